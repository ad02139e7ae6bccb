/// How the engine chooses the interleavings it runs.
public enum Strategy: Sendable, Hashable {
  /// Every interleaving, one after another: the oracle for tests and small cases.
  case dfs
  /// Optimal dynamic partial-order reduction: one execution per Mazurkiewicz trace.
  case dpor
  /// Search over states with a visited set, pruned with sleep sets (`Configuration.sleepSets`);
  /// finds livelock cycles. `shortest` searches breadth first, without pruning, so that every
  /// counterexample has the fewest steps.
  case stateful(shortest: Bool)
  /// `executions` schedules drawn uniformly at each step from a seeded generator. Never complete.
  case random(seed: UInt64, executions: Int)
  /// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010) with `depth` priority
  /// change points, `executions` runs from a seeded generator. Never complete.
  case pct(seed: UInt64, depth: Int, executions: Int)

  /// The name the command line uses.
  public var name: String {
    switch self {
    case .dfs: return "dfs"
    case .dpor: return "dpor"
    case .stateful: return "stateful"
    case .random: return "random"
    case .pct: return "pct"
    }
  }

  /// Whether the strategy covers every behaviour when it is not cut short.
  public var isExhaustive: Bool {
    switch self {
    case .dfs, .dpor, .stateful: return true
    case .random, .pct: return false
    }
  }
}
