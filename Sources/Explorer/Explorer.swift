/// The entry point: explores a transition system with a strategy and returns what it found.
public enum Explorer {
  /// Why an exploration could not start.
  public enum Failure: Error, Equatable, CustomStringConvertible {
    case tooManyThreads(Int)
    case badDepthBound(Int)
    /// Only `dfs` and `dpor` explore trees that can be split.
    case notPartitionable(String)
    case badPartition(String)

    public var description: String {
      switch self {
      case .tooManyThreads(let n):
        return "the system has \(n) threads; at most \(VectorClock.maxThreads) are supported"
      case .badDepthBound(let n): return "the depth bound must be at least 1, not \(n)"
      case .notPartitionable(let strategy):
        return "the \(strategy) strategy cannot be split into subtrees; only dfs and dpor can"
      case .badPartition(let why): return "bad partition: \(why)"
      }
    }
  }

  /// Explores `system` split into subtrees as `partition` says: only the partition's shard, on up
  /// to `jobs` threads. The statistics and violations are the same for every `jobs`, and the
  /// shards' add up to those of one run of the whole partition. `observer` sees every execution,
  /// in order, and makes the run use one thread.
  @inlinable public static func explore<System: TransitionSystem>(
    _ system: System, configuration: Configuration, partition: Partition, jobs: Int = 1,
    observer: ((ExecutionRecord<System.State>) -> Void)? = nil
  ) throws(Failure) -> ExplorationResult {
    guard system.threadCount <= VectorClock.maxThreads else {
      throw .tooManyThreads(system.threadCount)
    }
    if let bound = configuration.depthBound, bound < 1 { throw .badDepthBound(bound) }
    guard partition.shardCount >= 1, (0..<partition.shardCount).contains(partition.shard) else {
      throw .badPartition("shard \(partition.shard) of \(partition.shardCount)")
    }
    guard partition.minimumSubtrees >= 1, partition.maximumDepth >= 0 else {
      throw .badPartition("at least 1 subtree and a depth of at least 0")
    }
    switch configuration.strategy {
    case .dfs, .dpor: break
    default: throw .notPartitionable(configuration.strategy.name)
    }
    let search = PartitionedSearch(system: system, configuration: configuration, partition: partition)
    return search.run(jobs: jobs, observer: observer) { context, subtree in
      if case .dfs = context.configuration.strategy {
        DepthFirstSearch(context: context).run(from: subtree)
      } else {
        OptimalDPOR(context: context).run(from: subtree)
      }
    }
  }

  /// Explores `system` as `configuration` says. `observer`, if given, sees every execution as
  /// it ends (tests use it; it costs a copy of the execution).
  @inlinable public static func explore<System: TransitionSystem>(
    _ system: System, configuration: Configuration = Configuration(),
    observer: ((ExecutionRecord<System.State>) -> Void)? = nil
  ) throws(Failure) -> ExplorationResult {
    guard system.threadCount <= VectorClock.maxThreads else {
      throw .tooManyThreads(system.threadCount)
    }
    if let bound = configuration.depthBound, bound < 1 { throw .badDepthBound(bound) }
    let context = RunContext(system: system, configuration: configuration, observer: observer)
    switch configuration.strategy {
    case .dfs: DepthFirstSearch(context: context).run()
    case .dpor: OptimalDPOR(context: context).run()
    case .stateful(let shortest): StatefulSearch(context: context, shortest: shortest).run()
    case .random(let seed, let executions):
      var policy = RandomPolicy(seed: seed)
      Sampler(context: context).run(executions: executions, policy: &policy)
    case .pct(let seed, let depth, let executions):
      var policy = PCTPolicy(seed: seed, depth: depth)
      Sampler(context: context).run(executions: executions, policy: &policy)
    }
    return context.finish()
  }
}
