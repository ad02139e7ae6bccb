import Dispatch
import Explorer
import Foundation
import Spec

/// Runs the explorer on scenarios, on up to `jobs` threads, and renders their counterexamples.
///
/// With one thread and one shard, `dpor` and `dfs` explore each scenario whole. With more,
/// they split it into subtrees (`Partition`) whose split does not depend on `jobs` or on the
/// shard: the subtrees run on up to `jobs` threads, and a shard explores its share of every
/// scenario's subtrees. Strategies that cannot be split run a scenario whole, on one thread, in
/// the shard that owns it (scenario `k`, in load order, belongs to shard `k mod N + 1`). Verdicts
/// are therefore the same for every `jobs` and shard count; the counts of a split run are the
/// same for every `jobs` above 1 and every shard count, the shards' add up to one split run's,
/// and the whole search (one thread, one shard) runs one execution per Mazurkiewicz trace.
struct ScenarioChecker: Sendable {
  let spec: LoadedSpec
  let specName: String
  let configuration: Configuration
  /// `--strategy auto`: when the stateful search runs out of state budget, check the scenario
  /// again with DPOR bounded by `depthBound`.
  let fallbackToDPOR: Bool
  var depthBound: Int? = nil
  let requireComplete: Bool
  /// Threads for each scenario's subtrees.
  var jobs = 1
  /// `--shard I/N`, if given.
  var shard: ShardSpec? = nil
  /// Where the check records what it has done, for a report of an interrupted run.
  var journal: RunJournal? = nil

  init(
    spec: LoadedSpec, specName: String, configuration: Configuration, fallbackToDPOR: Bool,
    requireComplete: Bool, depthBound: Int? = nil, jobs: Int = 1, shard: ShardSpec? = nil
  ) {
    self.spec = spec
    self.specName = specName
    self.configuration = configuration
    self.fallbackToDPOR = fallbackToDPOR
    self.requireComplete = requireComplete
    self.depthBound = depthBound
    self.jobs = jobs
    self.shard = shard
  }

  /// Checks `scenarios`, up to `jobs` at once; leaves out the scenarios another shard checks
  /// whole.
  func check(_ scenarios: [ScenarioInfo], progress: ProgressDisplay) -> [ScenarioRun] {
    let results = ResultSlots<ScenarioRun>(count: scenarios.count)
    let next = IndexDispenser()
    let workers = min(jobs, scenarios.count)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let k = next.take(below: scenarios.count) {
        let owned = shard.map { k % $0.count == $0.index - 1 } ?? true
        journal?.started(k)
        let run = checkOne(scenarios[k], owned: owned, progress: progress, index: k)
        journal?.finished(k, run)
        results[k] = run
      }
    }
    return results.values
  }

  /// Checks one scenario, or returns `nil` when it runs whole and another shard owns it.
  func checkOne(
    _ scenario: ScenarioInfo, owned: Bool = true, progress: ProgressDisplay, index: Int = 0
  ) -> ScenarioRun? {
    var configuration = self.configuration
    let journal = self.journal
    configuration.progress = {
      progress.update(scenario: scenario.name, $0)
      journal?.progress(index, $0)
    }
    // Under auto every shard tries the stateful search, to learn whether dpor takes over.
    if !Self.isSplit(configuration.strategy), !owned, !fallbackToDPOR { return nil }
    var outcome = explore(scenario, configuration)
    var statefulBeforeDPOR: Statistics? = nil
    let limits = ScenarioRun.Limits(
      memory: configuration.memoryLimit.map(MemorySize.init(bytes:)),
      states: configuration.stateBudget,
      stateMemory: configuration.stateMemoryBudget.map(MemorySize.init(bytes:)))
    if fallbackToDPOR, case .success(let result) = outcome,
      result.completion == .exceededStateBudget
    {
      statefulBeforeDPOR = result.statistics
      configuration.strategy = .dpor
      configuration.stateBudget = nil
      configuration.stateMemoryBudget = nil
      configuration.depthBound = depthBound
      // The timeout covers the scenario, not each of its two searches.
      if let timeout = configuration.timeout {
        configuration.timeout = max(timeout - result.statistics.elapsed, 0.001)
      }
      outcome = explore(scenario, configuration)
    }
    if !Self.isSplit(configuration.strategy), !owned {
      progress.finished(scenario: scenario.name)
      return nil
    }
    let part =
      Self.isSplit(configuration.strategy)
      ? shard.flatMap { $0.count > 1 ? $0.description : nil } : nil
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
    var run = ScenarioRun(
      scenario: scenario, result: result, traces: traces, requireComplete: requireComplete,
      part: part, limits: limits)
    run.peakResidentBytes = ResidentMemory.peak()
    run.statefulBeforeDPOR = statefulBeforeDPOR
    return run
  }

  /// Whether `dpor` and `dfs` split a scenario into subtrees: only when they run on several
  /// threads or in several shards. One thread and one shard run the whole search, which is the
  /// optimal one (one execution per Mazurkiewicz trace, none sleep-set blocked); the split is not
  /// (see `Partition`), so its counts are those of every `--jobs` above 1 and every `--shard`.
  var splits: Bool { jobs > 1 || shard != nil }

  /// Whether the strategy's exploration can be split into subtrees.
  static func isSplit(_ strategy: Strategy) -> Bool {
    switch strategy {
    case .dpor, .dfs: return true
    case .stateful, .random, .pct: return false
    }
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
      guard Self.isSplit(configuration.strategy), splits else {
        return .success(try Explorer.explore(system, configuration: configuration))
      }
      let partition = Partition.standard(shard: (shard?.index ?? 1) - 1, of: shard?.count ?? 1)
      return .success(
        try Explorer.explore(system, configuration: configuration, partition: partition, jobs: jobs)
      )
    } catch {
      return .failure(error)
    }
  }
}
