import ArgumentParser
import Explorer
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck check`: explores every selected scenario and reports verdicts and counterexamples.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check scenarios (the default command).")

    /// The exploration strategies the command line offers.
    enum StrategyName: String, ExpressibleByArgument, CaseIterable {
      case auto, dpor, dfs, stateful, random, pct
    }

    /// The report formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
      case text, json, html
    }

    @Option(help: "Cut every execution after N visible steps (default: no bound).")
    var depth: Int?

    @Option(name: .customLong("scenario"), help: "Check only this scenario (repeatable).")
    var scenarios: [String] = []

    @Option(
      help: """
        Exploration strategy. auto (the default) checks each scenario completely with the \
        stateful search when its states fit in --state-budget, and otherwise with dpor bounded \
        by --depth.
        """)
    var strategy: StrategyName = .auto

    @Option(
      name: .customLong("state-budget"),
      help: """
        The most states the stateful search may store: under auto (default: as many as fit in \
        half of --memory-limit) dpor then takes over; under stateful (default: no limit but \
        --memory-limit) the check is inconclusive.
        """)
    var stateBudget: Int?

    @Option(
      name: .customLong("memory-limit"),
      help: """
        End a check as inconclusive when eptcheck's resident memory exceeds this size \
        (suffix K, M, G or T; default \(MemorySize.defaultLimit)), whatever the strategy.
        """)
    var memoryLimit: MemorySize = MemorySize.defaultLimit

    @Flag(help: "With the stateful strategy, search breadth first for shortest counterexamples.")
    var shortest = false

    @Flag(
      name: .customLong("hash-compaction"),
      help: """
        With the stateful search (stateful or auto), store 64 bits of each state's fingerprint \
        instead of 128: less memory, but states may be missed, and the result says so.
        """)
    var hashCompaction = false

    @Option(help: "Seed for the random and pct strategies.")
    var seed: UInt64 = 1

    @Option(help: "Executions to sample with the random and pct strategies.")
    var executions: Int = 1000

    @Option(name: .customLong("pct-depth"), help: "Priority change points for pct (bug depth).")
    var pctDepth: Int = 3

    @Option(help: "Give up on a scenario after this many seconds (verdict: inconclusive).")
    var timeout: Double?

    @Flag(
      name: .customLong("require-complete"),
      help: "Treat a run cut by the depth bound, or a sampled run, as inconclusive (exit 2).")
    var requireComplete = false

    @Option(help: "Report format.")
    var format: Format = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(
      help: """
        Use N threads: for the subtrees of each dpor or dfs exploration, and for N scenarios at \
        once. Counts and verdicts do not depend on N.
        """)
    var jobs: Int = 1

    @Option(
      help: """
        Check only shard I of N (1-based): its share of the subtrees of every dpor or dfs \
        exploration, and the scenarios it owns whole under the other strategies. `eptcheck \
        merge` of the N JSON reports gives the verdicts and counts of one run.
        """)
    var shard: ShardSpec?

    @Flag(name: .customLong("no-shrink"), help: "Show counterexamples as found, unshrunk.")
    var noShrink = false

    @Flag(
      name: .customLong("show-expected"),
      help: """
        Print the counterexamples of results that are as expected too (a bug variant's own \
        violation); by default only those that are not as expected are printed in full.
        """)
    var showExpected = false

    @Option(
      help: """
        Fit traces in N columns, wrapping long statements (default: COLUMNS, else the \
        terminal's width; no limit when writing to a file or a pipe).
        """)
    var width: Int?

    @Flag(
      name: .customLong("require-coverage"),
      help: """
        With a patch (a variant without scenarios), treat a function it overrides that never \
        runs against a concurrent thread in any scenario as inconclusive (exit 2).
        """)
    var requireCoverage = false

    @OptionGroup var specPaths: SpecPaths

    func validate() throws {
      if let depth, depth < 1 { throw ValidationError("--depth must be at least 1, not \(depth)") }
      if let width, width < 40 {
        throw ValidationError("--width must be at least 40, not \(width)")
      }
      if jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
      if executions < 1 { throw ValidationError("--executions must be at least 1") }
      if pctDepth < 1 { throw ValidationError("--pct-depth must be at least 1") }
      if let stateBudget, stateBudget < 1 {
        throw ValidationError("--state-budget must be at least 1")
      }
      if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
      let spec = try specPaths.load()
      var selected = spec.scenarios
      if !scenarios.isEmpty {
        let known = Set(spec.scenarios.map(\.name))
        for name in scenarios where !known.contains(name) {
          let list = spec.scenarios.map(\.name).joined(separator: ", ")
          let hint = Suggestion.didYouMean(name, among: spec.scenarios.map(\.name))
          throw Failure.usage("unknown scenario '\(name)'\(hint); the specs define: \(list)").exit()
        }
        selected = spec.scenarios.filter { scenarios.contains($0.name) }
      }
      if selected.isEmpty {
        throw Failure.usage(
          "no scenarios to check in \(specPaths.resolved.joined(separator: ", "))"
        )
        .exit()
      }
      var checker = ScenarioChecker(
        spec: spec, specName: specPaths.resolved.joined(separator: ","),
        configuration: explorerConfiguration, fallbackToDPOR: strategy == .auto,
        requireComplete: requireComplete, depthBound: depth, jobs: jobs, shard: shard)
      let journal = RunJournal(scenarios: selected)
      checker.journal = journal
      let progress = ProgressDisplay(terminal: .standardError)
      let started = Date()
      let command = self
      let contentHash = spec.contentHash
      // A signal ends the run with the report of what it explored (exit 130); the journal
      // lets only one of the handler and the finished run write it.
      let handlers = Interruption.install { number in
        guard journal.claim() else { return }
        progress.clear()
        let runs = journal.runsSoFar(
          strategy: command.explorerConfiguration.strategy, depthBound: command.depth)
        var header = command.header(
          elapsed: Date().timeIntervalSince(started), specHash: contentHash)
        header.interrupted = Interruption.name(number)
        header.scenariosNotChecked = journal.count - runs.count
        try? ReportOutput.write(command.render(runs, header), to: command.output)
        Terminal.standardError.write(
          "eptcheck: interrupted by \(Interruption.name(number)) after \(String(format: "%.2fs", header.elapsed)); "
            + "\(runs.filter { !$0.interrupted }.count) of \(journal.count) scenarios finished\n")
        Foundation.exit(Interruption.exitCode)
      }
      let runs = checker.check(selected, progress: progress)
      guard journal.claim() else {
        // The signal handler is writing the report and ends the process.
        while true { sleep(1) }
      }
      withExtendedLifetime(handlers) {}
      progress.clear()
      var header = header(elapsed: Date().timeIntervalSince(started), specHash: spec.contentHash)
      header.patchCoverage = PatchCoverage.measure(spec, scenarios: selected)
      try ReportOutput.write(render(runs, header), to: output)
      if runs.contains(where: {
        if case .unexpected = $0.verdict { return true } else { return false }
      }) {
        throw Outcome.unexpected
      }
      if runs.contains(where: {
        if case .inconclusive = $0.verdict { return true } else { return false }
      }) {
        throw Outcome.inconclusive
      }
      if requireCoverage, let coverage = header.patchCoverage, !coverage.unraced.isEmpty {
        throw Outcome.inconclusive
      }
    }

    /// What the report says about the run as a whole.
    func header(elapsed: Double, specHash: String) -> ReportHeader {
      ReportHeader(
        version: EptCheck.version, paths: specPaths.resolved, strategy: chosenStrategy.rawValue,
        depth: depth, jobs: jobs, shard: shard?.description, requireComplete: requireComplete,
        elapsed: elapsed, specHash: specHash,
        stateBudget: explorerConfiguration.stateBudget, hashCompaction: hashCompaction,
        kernel: specPaths.release,
        specFromReport: output.map { report in
          specPaths.resolved.map { RelativePath.from(directoryOf: report, to: $0) }
        },
        directoryFromReport: output.map { RelativePath.from(directoryOf: $0, to: ".") })
    }

    /// The report in the format asked for.
    func render(_ runs: [ScenarioRun], _ header: ReportHeader) -> String {
      switch format {
      case .text:
        var text = TextReport(color: output == nil && Terminal.standardOutput.allowsColor)
        text.showExpected = showExpected
        text.width = Terminal.reportWidth(
          option: width, stream: output == nil ? .standardOutput : nil)
        text.rerun = { rerunCommand(for: $0.scenario.name) }
        return text.render(runs, header)
      case .json: return JSONLinesReport().render(runs, header)
      case .html: return HTMLReport().render(runs, header)
      }
    }

    var chosenStrategy: StrategyName { strategy }

    /// The share of `--memory-limit` that `auto` lets the stateful search's process grow to
    /// before dpor takes over: the other half is left for dpor and for scenarios checked at once.
    static func autoStateMemoryBudget(_ limit: MemorySize) -> Int { limit.bytes / 2 }
    /// The command that checks one scenario again as this run did, for the closing block of the
    /// text report.
    func rerunCommand(for scenario: String) -> String {
      var words = ["eptcheck"]
      if let kernel = specPaths.kernel { words += ["--kernel", kernel] }
      if strategy != .auto { words += ["--strategy", strategy.rawValue] }
      if let depth { words += ["--depth", "\(depth)"] }
      if let stateBudget { words += ["--state-budget", "\(stateBudget)"] }
      if hashCompaction { words.append("--hash-compaction") }
      if requireComplete { words.append("--require-complete") }
      if let shard { words += ["--shard", shard.description] }
      words += ["--scenario", scenario]
      words += specPaths.paths
      return words.map(ShellWord.quoted).joined(separator: " ")
    }

    /// The configuration for the strategy asked for; `auto` starts with the stateful search and
    /// `ScenarioChecker` falls back to DPOR when the state budget runs out.
    var explorerConfiguration: Configuration {
      let chosen: Strategy
      switch chosenStrategy {
      case .auto, .stateful: chosen = .stateful(shortest: shortest)
      case .dpor: chosen = .dpor
      case .dfs: chosen = .dfs
      case .random: chosen = .random(seed: seed, executions: executions)
      case .pct: chosen = .pct(seed: seed, depth: pctDepth, executions: executions)
      }
      var configuration = Configuration(
        strategy: chosen, depthBound: depth, timeout: timeout, shrink: !noShrink,
        hashCompaction: hashCompaction, memoryLimit: memoryLimit.bytes)
      if strategy == .auto {
        configuration.depthBound = nil
        configuration.stateBudget = stateBudget
        if stateBudget == nil {
          configuration.stateMemoryBudget = Self.autoStateMemoryBudget(memoryLimit)
        }
      } else if strategy == .stateful {
        configuration.stateBudget = stateBudget
      }
      return configuration
    }
  }
}

/// `--shard I/N`: shard `I` (1-based) of `N`.
struct ShardSpec: ExpressibleByArgument, CustomStringConvertible {
  var index: Int
  var count: Int

  init?(argument: String) {
    let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1,
      (1...n).contains(i)
    else { return nil }
    index = i
    count = n
  }

  static var defaultCompletionKind: CompletionKind { .default }

  var description: String { "\(index)/\(count)" }

}
