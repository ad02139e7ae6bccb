import Explorer
import Foundation
import Spec

extension EptCheck.Bench {
  /// The large workload: scenarios of `bench/large.ept`, a variant of `specs/` that the default
  /// run never loads, each checked completely by the stateful search.
  static let largeWorkload = "bench/large.ept"

  /// One stateful figure: the states stored, their rate and what they cost in memory.
  struct StatefulFigure: Codable {
    var version = 1
    var kind = "bench-stateful"
    var workload: String
    var jobs = 1
    var states: Int
    var transitions: Int
    var statesPerSecond: Double
    /// Resident memory the search added (the peak during the run less the resident size before
    /// it), per stored state: everything included, the visited set, the graph, the frontier.
    var bytesPerState: Double?
    var peakMemoryMB: Double
    var seconds: Double
    var verdict: String
    /// Wall time on one thread over wall time on `jobs`.
    var speedup: Double?
  }

  /// Checks `scenario` completely with the stateful search on `jobs` threads and measures it.
  ///
  /// Bytes per state are the growth of the resident set, so they are exact only when this run
  /// sets the process's peak (run the largest workload first), and shown from 100,000 states.
  static func measureStateful(
    _ spec: LoadedSpec, _ scenario: ScenarioInfo, jobs: Int = 1
  ) throws -> StatefulFigure {
    let before = ResidentMemory.current() ?? 0
    let peakBefore = ResidentMemory.peak() ?? 0
    let system = spec.system(for: scenario, loopBounds: false)
    let configuration = Configuration(
      strategy: .stateful(shortest: false), shrink: false, statefulJobs: jobs)
    let result = try Explorer.explore(system, configuration: configuration)
    let peak = ResidentMemory.peak() ?? 0
    let s = result.statistics
    let states = s.distinctStates
    // Small runs measure the allocator's pages, not the states.
    let bytes: Double? =
      peak > peakBefore && states >= 100_000 ? Double(peak - before) / Double(states) : nil
    let label =
      jobs > 1 ? "\(scenario.name) (stateful, \(jobs) jobs)" : "\(scenario.name) (stateful)"
    let found = result.counterexamples.map(\.violation.kind)
    let verdict =
      result.completion != .complete
      ? "incomplete" : found.isEmpty ? "pass" : "found " + found.joined(separator: ", ")
    return StatefulFigure(
      workload: label, jobs: jobs, states: states, transitions: s.transitions,
      statesPerSecond: s.elapsed > 0 ? Double(states) / s.elapsed : 0, bytesPerState: bytes,
      peakMemoryMB: Double(peak) / 1_048_576, seconds: s.elapsed, verdict: verdict)
  }

  /// The table of stateful figures.
  static func statefulTable(_ figures: [StatefulFigure]) -> String {
    let width = max(figures.map(\.workload.count).max() ?? 0, "workload".count)
    var out =
      "workload".padded(to: width)
      + "      states       steps    states/s  B/state  peak MB   seconds  verdict\n"
    for f in figures {
      out += f.workload.padded(to: width)
      let bytes = f.bytesPerState.map { String(format: "%.0f", $0) } ?? "-"
      out += String(format: "  %10d  %10d  %10.0f  ", f.states, f.transitions, f.statesPerSecond)
      out += String(repeating: " ", count: max(0, 7 - bytes.count)) + bytes
      out += String(format: "  %7.1f  %8.3f  ", f.peakMemoryMB, f.seconds) + f.verdict + "\n"
    }
    return out
  }
}
