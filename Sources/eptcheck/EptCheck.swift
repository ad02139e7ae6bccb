import ArgumentParser

/// The `eptcheck` command: checks the `.ept` model of the KVM TDP MMU mirror/external EPT
/// protocol and reports counterexamples in kernel vocabulary.
@main
struct EptCheck: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "eptcheck",
    abstract: "Model-check the KVM TDP MMU mirror/external EPT protocol for Intel TDX.",
    discussion: """
      Explores every interleaving of every scenario in the given specs (default: ./specs) and \
      reports any race, divergence between the mirror and the S-EPT, or other violation with a \
      replayable trace.

      Exit codes: 0 every scenario as expected; 1 a scenario not as expected; 2 inconclusive \
      (a timeout, the memory limit or state budget reached, or a bound hit under \
      --require-complete); 64 bad usage; 65 bad spec, trace or shard report; 74 write error; \
      130 interrupted (SIGINT or SIGTERM: the report of what was explored is written, the \
      scenario being checked marked interrupted).

      Shell completion: eptcheck --generate-completion-script bash (or zsh, fish) prints a \
      script to source from your shell's start-up file.
      """,
    version: version,
    subcommands: [
      Check.self, Replay.self, List.self, Functions.self, Bench.self, Merge.self, Coverage.self,
      Sync.self,
    ],
    defaultSubcommand: Check.self)
}
