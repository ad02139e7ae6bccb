import ArgumentParser
import Explorer
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck replay`: runs a saved counterexample again, step by step, and shows it.
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Replay a saved trace: a trace file, a violation of a JSON report, or a compact trace.",
      discussion: """
        A report (--format json) holds every violation of a run: --violation N picks the Nth, \
        --scenario NAME the first of that scenario. The spec is found where the run's report \
        recorded it, relative to the report file, so a report can be replayed from any \
        directory. A compact trace (0,1,1/2,0: thread 1's second step made choice 2) needs \
        --scenario. --states prints the shared variables each step changed, one step after \
        another, like SPIN's -t -p -g.
        """)

    @Argument(
      help: """
        The trace: a trace JSON file, a JSON Lines report, or a compact trace such as 0,1,1,0.
        """)
    var trace: String

    @Argument(help: "Spec files or directories (default: the spec recorded in the report).")
    var paths: [String] = []

    @Option(help: "Replay the Nth violation of the report (1-based, in report order).")
    var violation: Int?

    @Option(help: "Replay the first violation of this scenario (required for a compact trace).")
    var scenario: String?

    @Flag(help: "Print each step after the other with the shared variables it changed.")
    var states = false

    @Option(help: "Report format.")
    var format: Check.Format = .text

    @Option(help: "Fit the trace in N columns (default: COLUMNS, else the terminal's width).")
    var width: Int?

    @Option(help: "The kernel release the trace was found on (default: the report's, or mainline).")
    var kernel: String?

    func validate() throws {
      if let violation, violation < 1 {
        throw ValidationError("--violation must be at least 1, not \(violation)")
      }
    }

    func run() throws {
      let source = try TraceSource.read(trace, scenario: scenario)
      let selected = try source.select(violation: violation, scenario: scenario, path: trace)
      let release = kernel ?? source.run?.kernel
      let specPaths = !paths.isEmpty ? paths : source.specPaths(for: selected)
      let spec = try SpecPaths.load(
        specPaths, kernel: release == LoadedSpec.mainline ? nil : release,
        // Every synthesized scenario, so that a trace of any of them replays.
        synthesis: .triples, warnings: false)
      if paths.isEmpty, let recorded = source.run?.specHash, recorded != spec.contentHash {
        Terminal.standardError.write(
          "warning: \(specPaths.joined(separator: ", ")) changed since the report was written "
            + "(spec hash \(recorded), now \(spec.contentHash)); the trace may not replay\n")
      }
      guard let name = selected.scenario else {
        throw Failure.badTrace("\(trace): the trace names no scenario").exit()
      }
      guard let info = spec.scenarios.first(where: { $0.name == name }) else {
        throw Failure.badTrace(
          "\(trace): the trace is for scenario '\(name)', which \(specPaths.joined(separator: ", ")) does not define"
            + Suggestion.didYouMean(name, among: spec.scenarios.map(\.name))
        ).exit()
      }
      let system = spec.system(for: info)
      let rendered: RenderedTrace
      do {
        rendered = try TraceRenderer(system: system).render(selected)
      } catch {
        throw Failure.badTrace(
          "\(trace): the trace does not replay against scenario '\(name)': \(error.description)"
        ).exit()
      }
      switch format {
      case .text:
        var text = TextReport(color: Terminal.standardOutput.allowsColor)
        text.width = Terminal.reportWidth(option: width, stream: .standardOutput)
        let body =
          states
          ? text.renderSteps(rendered, scenario: info) : text.renderTrace(rendered, scenario: info)
        let outcome =
          rendered.violation.kind == "none"
          ? "replayed: \(rendered.steps.count) steps, no violation"
          : "reproduced: \(rendered.violation)"
        try ReportOutput.write(body + "\(outcome)".escapingControlCharacters() + "\n")
      case .json, .html:
        let header = ReportHeader(
          version: EptCheck.version, paths: specPaths, strategy: "replay", depth: nil, jobs: 1,
          shard: nil, elapsed: 0)
        var result = ExplorationResult(
          statistics: Statistics(),
          counterexamples: [
            Counterexample(violation: rendered.violation, trace: selected)
          ], completion: .complete, strategy: .dfs, depthBound: nil)
        result.statistics.executions = 1
        result.statistics.transitions = selected.steps.count
        let run = ScenarioRun(
          scenario: info, result: result, traces: [rendered], requireComplete: false)
        try ReportOutput.write(
          format == .json
            ? JSONLinesReport().render([run], header) : HTMLReport().render([run], header))
      }
    }
  }
}
