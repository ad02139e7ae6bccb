/// The entry point: explores a transition system with a strategy and returns what it found.
public enum Explorer {
  /// Why an exploration could not start.
  public enum Failure: Error, Equatable, CustomStringConvertible {
    case tooManyThreads(Int)
    case badDepthBound(Int)

    public var description: String {
      switch self {
      case .tooManyThreads(let n):
        return "the system has \(n) threads; at most \(VectorClock.maxThreads) are supported"
      case .badDepthBound(let n): return "the depth bound must be at least 1, not \(n)"
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
