import Explorer
import Foundation
import Spec

extension EptCheck.Bench {
  /// The synthesized scenarios, checked as `eptcheck` checks them (the stateful search, loop
  /// bounds not counted), summed: how many there are and what they cost (issue 16's bound).
  struct SynthesisFigure: Codable {
    var version = 1
    var kind = "bench-synthesis"
    var synthesized: Int
    var scenarios: Int
    var states: Int
    var transitions: Int
    var seconds: Double
  }

  static func synthesis(_ spec: LoadedSpec) throws -> SynthesisFigure? {
    let synthesized = spec.scenarios.filter(\.isSynthesized)
    guard !synthesized.isEmpty else { return nil }
    var figure = SynthesisFigure(
      synthesized: synthesized.count, scenarios: spec.scenarios.count, states: 0, transitions: 0,
      seconds: 0)
    for scenario in synthesized {
      let result = try Explorer.explore(
        spec.system(for: scenario, loopBounds: false),
        configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
      figure.states += result.statistics.distinctStates
      figure.transitions += result.statistics.transitions
      figure.seconds += result.statistics.elapsed
    }
    return figure
  }

  /// The line the text report gives it.
  static func synthesisLine(_ f: SynthesisFigure) -> String {
    String(
      format: "synthesized scenarios: %d of %d, %d states, %d steps, %.3f s (stateful, summed)\n",
      f.synthesized, f.scenarios, f.states, f.transitions, f.seconds)
  }
}
