import Explorer
import Foundation
import Spec

/// What a check has done so far: the scenarios finished, and the latest progress of those still
/// running, so that an interrupted run (SIGINT, SIGTERM) can still report what it explored.
///
/// The journal also decides who writes the report: the run when it ends, or the signal handler
/// when it interrupts, never both (`claim`).
final class RunJournal: @unchecked Sendable {
  private let lock = NSLock()
  private let scenarios: [ScenarioInfo]
  private var finished: [ScenarioRun?]
  /// The scenarios being checked, with the counts of their latest progress event.
  private var running: [Int: (executions: Int, transitions: Int, elapsed: Double)] = [:]
  private var claimed = false

  init(scenarios: [ScenarioInfo]) {
    self.scenarios = scenarios
    finished = Array(repeating: nil, count: scenarios.count)
  }

  func started(_ index: Int) {
    lock.withLock { running[index] = (0, 0, 0) }
  }

  func progress(_ index: Int, _ progress: ExplorationProgress) {
    lock.withLock {
      if running[index] != nil {
        running[index] = (progress.executions, progress.transitions, progress.elapsed)
      }
    }
  }

  func finished(_ index: Int, _ run: ScenarioRun?) {
    lock.withLock {
      running[index] = nil
      finished[index] = run
    }
  }

  /// Takes the right to write the report; only the first caller gets it.
  func claim() -> Bool {
    lock.withLock {
      if claimed { return false }
      claimed = true
      return true
    }
  }

  /// The runs so far, in load order: each finished scenario, then each one the interruption cut
  /// short, marked interrupted with the counts its last progress event gave. Scenarios that
  /// never started are left out.
  func runsSoFar(strategy: Strategy, depthBound: Int?) -> [ScenarioRun] {
    lock.withLock {
      var runs: [ScenarioRun] = []
      for (k, scenario) in scenarios.enumerated() {
        if let run = finished[k] {
          runs.append(run)
        } else if let progress = running[k] {
          var statistics = Statistics()
          statistics.executions = progress.executions
          statistics.transitions = progress.transitions
          statistics.elapsed = progress.elapsed
          let result = ExplorationResult(
            statistics: statistics, counterexamples: [], completion: .timedOut,
            strategy: strategy, depthBound: depthBound)
          var run = ScenarioRun(
            scenario: scenario, result: result, traces: [],
            verdict: .inconclusive("interrupted before the search finished"))
          run.interrupted = true
          runs.append(run)
        }
      }
      return runs
    }
  }

  /// How many scenarios were asked for.
  var count: Int { scenarios.count }
}
