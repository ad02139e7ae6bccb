import Foundation

extension EptCheck.Bench {
  /// A performance target of DESIGN.md and issue 18 beside the figure measured for it.
  struct Target: Codable {
    var version = 1
    var kind = "bench-target"
    var name: String
    /// The measured figure; `nil` when this bench did not run its workload.
    var measured: Double?
    var goal: Double
    /// Whether the goal is a floor (rates, speedups) or a ceiling (memory).
    var atLeast: Bool

    var met: Bool? { measured.map { atLeast ? $0 >= goal : $0 <= goal } }
  }

  /// The targets, each from the figures that measure it: the large workload's first scenario on
  /// one thread (and on `--jobs`), and the DPOR throughput over every spec scenario.
  static func targets(_ figures: [Figure], _ stateful: [StatefulFigure]) -> [Target] {
    let one = stateful.first { $0.jobs == 1 }
    let many = stateful.first { $0.jobs > 1 && $0.speedup != nil }
    let dpor = figures.first { $0.workload.hasPrefix(everyScenario) }
    return [
      Target(
        name: "stateful states/s per core (large workload)", measured: one?.statesPerSecond,
        goal: 600_000, atLeast: true),
      Target(
        name: "stateful bytes per stored state (large workload)", measured: one?.bytesPerState,
        goal: 64, atLeast: false),
      Target(
        name: "stateful speedup on 2 jobs (large workload, --jobs 2)",
        measured: many.flatMap { $0.jobs == 2 ? $0.speedup : nil }, goal: 1.8, atLeast: true),
      Target(
        name: "dpor steps/s per core (\(everyScenario), unbounded)",
        measured: dpor?.stepsPerSecond, goal: 1_000_000, atLeast: true),
    ]
  }

  /// The targets as a table: measured, goal, met.
  static func targetTable(_ targets: [Target]) -> String {
    let width = targets.map(\.name.count).max() ?? 0
    var out = "target".padded(to: width) + "      measured          goal  met\n"
    for t in targets {
      let measured = t.measured.map { figure($0) } ?? "not run"
      let goal = (t.atLeast ? ">= " : "<= ") + figure(t.goal)
      let met = t.met.map { $0 ? "yes" : "no" } ?? "-"
      out += t.name.padded(to: width) + "  " + measured.leftPadded(to: 12) + "  "
        + goal.leftPadded(to: 12) + "  " + met + "\n"
    }
    return out
  }

  /// A figure with thousands separated, or two decimals when small.
  static func figure(_ value: Double) -> String {
    if value < 100, value != value.rounded() { return String(format: "%.2f", value) }
    var digits = String(Int(value.rounded()))
    var groups: [String] = []
    while digits.count > 3 {
      groups.insert(String(digits.suffix(3)), at: 0)
      digits.removeLast(3)
    }
    groups.insert(digits, at: 0)
    return groups.joined(separator: ",")
  }
}

extension String {
  /// The string with spaces before it up to `width` characters.
  func leftPadded(to width: Int) -> String {
    String(repeating: " ", count: max(0, width - count)) + self
  }
}
