import Spec

/// What a patch's scenarios say about the functions it overrides: whether each ran, and whether
/// it ran against a conflicting step of another thread (ConcurrentCoverage). A locking change
/// to a function that never races is checked only sequentially: a green run says nothing of it.
struct PatchCoverage: Sendable, Codable {
  struct Function: Sendable, Codable {
    var name: String
    var executed: Bool
    /// The first scenario, in the run's order, in which the function raced; nil if none.
    var racedIn: String?
  }

  var patch: String
  var functions: [Function]

  /// The functions that never raced.
  var unraced: [Function] { functions.filter { $0.racedIn == nil } }

  /// Walks the patch's scenarios, in order, until every overridden function has raced.
  static func measure(_ spec: LoadedSpec, scenarios: [ScenarioInfo]) -> PatchCoverage? {
    guard let patch = spec.patch, !spec.overriddenFunctions.isEmpty else { return nil }
    var functions = spec.overriddenFunctions.map {
      Function(name: $0, executed: false, racedIn: nil)
    }
    for scenario in scenarios where scenario.program == patch {
      if functions.allSatisfy({ $0.racedIn != nil }) { break }
      let system = spec.system(for: scenario, loopBounds: false, invisibleSteps: false)
      let coverage = system.coverage()
      for i in functions.indices where functions[i].racedIn == nil {
        guard let entry = coverage.functions.first(where: { $0.name == functions[i].name }) else {
          continue
        }
        if entry.executed { functions[i].executed = true }
        if entry.raced { functions[i].racedIn = scenario.name }
      }
    }
    return PatchCoverage(patch: patch, functions: functions)
  }

  /// The lines the text report ends with: one per function, then a warning per unraced one.
  var text: String {
    var out = "\ncoverage of \(patch):\n"
    for f in functions {
      if let scenario = f.racedIn {
        out += "  \(f.name): races another thread (first in \(scenario))\n"
      } else {
        out +=
          "  \(f.name): \(f.executed ? "runs, never against a concurrent thread" : "never runs")\n"
      }
    }
    for f in unraced {
      out +=
        f.executed
        ? "warning: \(f.name) (overridden in \(patch)) never runs against a concurrent thread in any scenario\n"
        : "warning: \(f.name) (overridden in \(patch)) never runs in any scenario\n"
    }
    return out.escapingControlCharacters(keepingNewlines: true)
  }
}
