/// How an exploration is split into subtrees that run independently: on several threads
/// (`jobs`), or as shards in separate processes or on separate machines.
///
/// **The split.** The first levels of the search tree are expanded fully: every enabled step of a
/// node (every thread, every choice) is a child. Under `dpor` the expansion carries sleep sets as
/// in Godefroid's sleep-set search (LNCS 1032, ch. 5): the children of a node are taken in thread
/// and choice order, and a child's sleep set is the node's sleep set plus its earlier siblings,
/// less whatever depends on the child's step. Expansion stops at the first level holding at least
/// `minimumSubtrees` nodes (or at `maximumDepth`, or when no node can be expanded); the nodes of
/// that level, and the leaves above it, are the subtrees, in depth-first order.
///
/// **Each subtree** is explored by the strategy from its root: the steps that lead there, then
/// `dfs` below it, or optimal DPOR starting from the root's sleep set. DPOR reverses only the races
/// whose earlier event lies inside the subtree. A race whose earlier event `e` sits in the
/// expanded levels needs no reversal there: the reversal would schedule, before `e`, a sequence
/// that starts with a step enabled at `pre(E, e)`, and every such step is already a child.
///
/// **Inherited sleep sets.** In the whole search, a step `q` asleep at a node stands for traces
/// its sibling's subtree explores, and whatever that subtree learns about traces in which `q` is
/// delayed (its races with `q`) comes back as wakeup sequences planted above. A subtree never
/// receives those, so a step it inherits asleep blocks a wakeup sequence only when it is an
/// *initial* of it (it can go first, so its sibling covers the sequence), not merely a *weak*
/// initial as in the paper (it could go first in some extension, but maybe not in the one that
/// delays it). This is the rule DPOR already uses under a depth bound, for a similar reason.
///
/// **Soundness.** Sleep-set search over fully expanded nodes reaches a representative of every
/// Mazurkiewicz trace (Godefroid, ch. 5), with or without a depth bound, since swapping
/// independent steps does not change an execution's length. Below a root, optimal DPOR with the
/// initials rule for inherited steps explores every trace from the root in which no inherited
/// step is an initial, which is exactly what the root's siblings leave to it. The differential
/// tests check the composition against `dfs` on every generated program, with and without
/// bounds, and that unbounded it still runs each trace exactly once (blocked executions aside).
///
/// **Determinism.** The split depends on the system, the strategy and the bound only, never on
/// the number of jobs or shards, and counts add up: a run's executions, transitions and
/// violations are the same however its subtrees are spread.
///
/// **The price** is optimality at and below the expanded levels: a subtree explores sequences
/// that an inherited step turns out to cover and ends them sleep-set blocked, and each subtree
/// replays its prefix. Ordering a node's children so that steps nothing seems to delay go last
/// (`PartitionedSearch.childOrder`) keeps most of it away: on the depth-12 scenarios of `specs/`
/// the split runs 3,419 steps where the whole search runs 2,274, on the `.ept` lastzero(15) 2.57 M
/// where it runs 2.02 M (docs/scale-out.md).
public struct Partition: Sendable, Hashable {
  /// Expansion stops at the first level with at least this many nodes.
  public var minimumSubtrees: Int
  /// Expansion never goes deeper than this.
  public var maximumDepth: Int
  /// This run explores the subtrees whose index `k` (in depth-first order) has
  /// `k % shardCount == shard`.
  public var shard: Int
  public var shardCount: Int

  public init(minimumSubtrees: Int = 64, maximumDepth: Int = 8, shard: Int = 0, shardCount: Int = 1) {
    self.minimumSubtrees = minimumSubtrees
    self.maximumDepth = maximumDepth
    self.shard = shard
    self.shardCount = shardCount
  }

  /// The split the command line uses for every `dpor` and `dfs` run, for shard `shard` (0-based)
  /// of `count`: levels are expanded until they hold 64 subtrees, enough to keep two to eight
  /// threads busy when subtrees differ in size.
  public static func standard(shard: Int = 0, of count: Int = 1) -> Partition {
    Partition(minimumSubtrees: 64, shard: shard, shardCount: count)
  }

  /// Whether subtree `index` belongs to this shard.
  public func owns(_ index: Int) -> Bool { index % shardCount == shard }
}
