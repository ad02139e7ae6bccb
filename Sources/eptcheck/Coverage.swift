import ArgumentParser
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck coverage`: which modelled kernel functions the scenarios run, and which they run
  /// against a conflicting step of another thread (see `ConcurrentCoverage`).
  struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Report which kernel functions the scenarios run, and which they race.",
      discussion: """
        Walks every reachable state of each scenario of the model (not the bug variants) and \
        lists the @kernel functions that never ran, and those that ran but never with a \
        conflicting step of another thread enabled at the same time: a locking change to such \
        a function is checked only sequentially. Exit codes: 0 done; 2 a walk stopped at the \
        state budget; 64 bad usage; 65 a bad spec.
        """)

    @Option(name: .customLong("scenario"), help: "Only this scenario (repeatable).")
    var scenarios: [String] = []

    @Option(
      name: .customLong("state-budget"), help: "The most states to walk per scenario.")
    var stateBudget: Int = 200_000

    @Flag(help: "Also list the functions that raced, with what they raced.")
    var all = false

    @Option(help: "Report format.")
    var format: Check.Format = .text

    @OptionGroup var specPaths: SpecPaths

    func validate() throws {
      if stateBudget < 1 { throw ValidationError("--state-budget must be at least 1") }
      if format == .html { throw ValidationError("--format html is not available for coverage") }
    }

    func run() throws {
      let spec = try specPaths.load()
      let known = Set(spec.scenarios.map(\.name))
      for name in scenarios where !known.contains(name) {
        throw Failure.usage("unknown scenario '\(name)'").exit()
      }
      let selected = spec.scenarios.filter {
        $0.program == (spec.patch ?? "base") && (scenarios.isEmpty || scenarios.contains($0.name))
      }
      if selected.isEmpty {
        let paths = specPaths.resolved.joined(separator: ", ")
        throw Failure.usage("no scenarios of the model in \(paths)").exit()
      }
      var coverage: ConcurrentCoverage? = nil
      for scenario in selected {
        let system = spec.system(for: scenario, loopBounds: false, invisibleSteps: false)
        let one = system.coverage(stateBudget: stateBudget)
        if coverage == nil { coverage = one } else { coverage?.merge(one) }
      }
      guard let coverage else { return }
      let report = CoverageReport(coverage: coverage, scenarioCount: selected.count)
      Terminal.standardOutput.write(format == .json ? report.json : report.text(all: all))
      if !coverage.truncatedScenarios.isEmpty { throw Outcome.inconclusive }
    }
  }
}
