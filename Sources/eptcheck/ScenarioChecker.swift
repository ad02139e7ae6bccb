import Dispatch
import Explorer
import Foundation
import Spec

/// Runs the explorer on scenarios, on up to `jobs` threads, and renders their counterexamples.
///
/// Each scenario is explored on one thread, so the counts and verdicts do not depend on `jobs`.
struct ScenarioChecker: Sendable {
  let spec: LoadedSpec
  let specName: String
  let configuration: Configuration
  /// `--strategy auto`: when the stateful search runs out of state budget, check the scenario
  /// again with DPOR bounded by `depthBound`.
  let fallbackToDPOR: Bool
  var depthBound: Int? = nil
  let requireComplete: Bool

  init(
    spec: LoadedSpec, specName: String, configuration: Configuration, fallbackToDPOR: Bool,
    requireComplete: Bool, depthBound: Int? = nil
  ) {
    self.spec = spec
    self.specName = specName
    self.configuration = configuration
    self.fallbackToDPOR = fallbackToDPOR
    self.requireComplete = requireComplete
    self.depthBound = depthBound
  }

  func check(_ scenarios: [ScenarioInfo], jobs: Int, progress: ProgressDisplay) -> [ScenarioRun] {
    let results = ResultSlots<ScenarioRun>(count: scenarios.count)
    let next = Counter()
    let workers = min(jobs, scenarios.count)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let k = next.take(below: scenarios.count) {
        results[k] = checkOne(scenarios[k], progress: progress)
      }
    }
    return results.values
  }

  func checkOne(_ scenario: ScenarioInfo, progress: ProgressDisplay) -> ScenarioRun {
    var configuration = self.configuration
    configuration.progress = { progress.update(scenario: scenario.name, $0) }
    var outcome = explore(scenario, configuration)
    if fallbackToDPOR, case .success(let result) = outcome,
      result.completion == .exceededStateBudget
    {
      configuration.strategy = .dpor
      configuration.stateBudget = nil
      configuration.depthBound = depthBound
      outcome = explore(scenario, configuration)
    }
    let result: ExplorationResult
    let system: ScenarioSystem
    switch outcome {
    case .success(let explored):
      result = explored
      system = spec.system(for: scenario, loopBounds: Self.enforcesLoopBounds(configuration))
    case .failure(let error):
      let empty = ExplorationResult(
        statistics: Statistics(), counterexamples: [], completion: .complete,
        strategy: configuration.strategy, depthBound: configuration.depthBound)
      return ScenarioRun(
        scenario: scenario, result: empty, traces: [],
        verdict: .unexpected("cannot explore: \(error)"))
    }
    var traces: [RenderedTrace] = []
    for counterexample in result.counterexamples {
      var trace = counterexample.trace
      trace.spec = specName
      trace.scenario = scenario.name
      if let rendered = try? TraceRenderer(system: system).render(trace) { traces.append(rendered) }
    }
    progress.finished(scenario: scenario.name)
    return ScenarioRun(
      scenario: scenario, result: result, traces: traces, requireComplete: requireComplete)
  }

  /// Loop bounds count only under stateless strategies; the stateful search finds livelocks as
  /// cycles instead.
  static func enforcesLoopBounds(_ configuration: Configuration) -> Bool {
    if case .stateful = configuration.strategy { return false }
    return true
  }

  private func explore(_ scenario: ScenarioInfo, _ configuration: Configuration)
    -> Result<ExplorationResult, Explorer.Failure>
  {
    let system = spec.system(for: scenario, loopBounds: Self.enforcesLoopBounds(configuration))
    do {
      return .success(try Explorer.explore(system, configuration: configuration))
    } catch {
      return .failure(error)
    }
  }
}

/// A fixed number of slots filled from several threads.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private var slots: [Value?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  subscript(index: Int) -> Value? {
    get { lock.withLock { slots[index] } }
    set { lock.withLock { slots[index] = newValue } }
  }

  var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}

/// Hands out indices `0, 1, 2, ...` to several threads.
final class Counter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()

  func take(below limit: Int) -> Int? {
    lock.withLock {
      guard value < limit else { return nil }
      defer { value += 1 }
      return value
    }
  }
}
