/// Search over states with a visited set and sleep sets, then a search for livelock cycles.
///
/// The method is explicit-state search as in SPIN: every reachable state is stored once (as a
/// 128-bit `Fingerprint`, or 64 bits of it under hash compaction) and a step reaching a stored
/// state adds an edge and goes no further. The payoff is time proportional to the states, not the
/// interleavings, for models with retry loops, and termination without a depth bound when the
/// model has cycles. Livelocks are found afterwards by `NonProgressCycles` on the stored graph.
///
/// **Partial-order reduction: sleep sets with state caching** (Godefroid, Holzmann and Pirottin,
/// *State-space caching revisited*, CAV 1992; Godefroid, LNCS 1032, ch. 5). Sleep sets prune
/// *steps*, never states: every reachable state is still stored, but a step whose outcome another
/// explored path already reaches is not executed. Dependence is the engine's one relation
/// (`Event.isDependent`: same thread, or conflicting footprints; the choices of one step are
/// mutually dependent because they belong to one thread).
///
/// - A sleep set is a set of *threads* (a 16-bit mask). A thread's next step is a function of its
///   own local state, which other threads' steps do not touch, so a sleeping thread has exactly
///   one next step (with all its choices) in every state it sleeps through, and its footprint
///   stays the same (`TransitionSystem`'s footprint contract).
/// - An *expansion* of state `s` with sleep set `Z` executes, thread by thread in order, every
///   choice of every enabled thread not in `Z`. The successor by thread `t` is *visited* with the
///   sleep set `Z_t = {u ∈ Z ∪ {threads expanded before t} | u independent of t at s}`.
/// - Each stored state keeps `H(s)`, the sleep set of its latest expansion. A visit of `s` with
///   sleep set `Z'` (and depth `d'`) needs nothing when `H(s) ⊆ Z'` (and, under a depth bound,
///   `s` was expanded at depth at most `d'`); otherwise `H(s)` becomes `H(s) ∩ Z'` (the depth the
///   smaller one) and `s` is expanded again with that sleep set. The new expansion executes what
///   earlier ones did not (the steps of `H(s) \ Z'`, the revisit rule of the 1992 paper) and
///   re-visits the successors of the steps they did, since those may now get smaller sleep sets;
///   a successor whose visit would change nothing is recognised from its stored edge and not
///   executed again. `H(s)` only shrinks, so a state is expanded at most `threads + 1` times
///   (under a bound, that many times per depth it is reached at), and the search terminates.
///
/// *Soundness (every state reachable within the bound is stored).* Call `t` an *initial* of a step
/// sequence `w` when `w` is equivalent (by swapping adjacent independent steps) to one starting
/// with `t`. Claim: if `s` is visited with sleep set `Z` at depth `d`, and `w` runs from `s`, fits
/// in the bound from `d`, and no thread of `Z` is an initial of `w`, then `s·w` is stored when the
/// search ends. Induction on `|w|`; `w` empty is trivial. By the rule above, when the search ends
/// `s` has been expanded with some sleep set `Z_j ⊆ Z` at a depth `d_j ≤ d`. The initials of `w`
/// are enabled at `s` and none is in `Z_j`, so that expansion executed all of them; let `t` be the
/// first in thread order, and `w ≡ t·w'`. It visited `s·t` with `Z_t`, at depth `d_j + 1 ≤ d + 1`.
/// If some `u ∈ Z_t` were an initial of `w'`, then, being independent of `t`, it would be an
/// initial of `t·w' ≡ w`, so `u ∉ Z_j`, so `u` was expanded before `t`: but `t` was the first
/// initial expanded. So the claim holds for `s·t`, `Z_t` and the shorter `w'`, and `s·t·w' = s·w`.
/// The initial state is visited with the empty sleep set, so every reachable state is stored: the
/// reduced search stores exactly the states the full one does, and so finds every deadlock, every
/// final state and every final-state violation. A violation raised by a pruned step `t` at `s` is
/// raised by `t` on the path the claim builds too, where `t` has the same local state and the
/// objects its footprint covers the same values (the steps it was swapped with are independent of
/// it); `TransitionSystem` requires violations to depend on nothing else.
///
/// *Livelocks.* Sleep sets drop edges, and a cycle needs its edges: when thread 0 spins on a flag
/// and an independent thread 1 finishes, the state after thread 1's step is reached with thread 0
/// asleep, and its self-loop is never executed. So the cycle search gets the edges it needs:
/// 1. The claim gives more than states: the path it builds from `s` is a reordering of `w`, each
///    step taken by the same thread from the same local state, so with the same progress flag
///    (`isProgress` may depend only on the thread's own state). If the full graph has a cycle of
///    non-progress steps `c` reachable by `p`, the claim applied to `p·cᵏ` from the initial state
///    gives a stored path in which the steps of `cᵏ` form at most `|p| + 1` runs between the
///    steps of `p`; for `k` large enough one run is longer than the number of states, so the
///    stored graph has a cycle of non-progress steps. The converse holds since stored edges are
///    real. So when the stored graph has no cycle of non-progress steps (the common case for
///    terminating programs), neither has the full graph, and there is no livelock to find.
/// 2. Otherwise (and always under a depth bound) every expanded state gets an edge for each of its
///    sleeping steps that is not a progress step. The search only marks the states whose sleep
///    sets left steps out; they get the edges at the end: most by commutation from stored
///    edges, without a step (a thread asleep at `s` was asleep or expanded at the tree parent
///    `p` of `s` and independent there of the step `t` from `p` to `s`, so its step from `s`
///    reaches the target of `t` from `p·u`; see `deriveSleepingEdges`), and the rest by
///    walking the tree of first-reaching edges from the initial state and running them. Then
///    every stored state has every non-progress edge of the full graph, and every state's enabled
///    threads are recorded, which is all that `NonProgressCycles` reads: it finds exactly the
///    livelocks of the full graph. (A successor that is not stored would mean the model broke the
///    footprint contract; it is stored and expanded then, so that the search stays complete.) On
///    a model whose stored graph has such a cycle the reduction thus saves the pruned progress
///    steps and the steps commutation gives, and the walk and the re-expansions cost steps: a
///    model whose sleeping edges do not commute into stored ones can take more steps than
///    without sleep sets.
///
/// With `shortest`, states are expanded breadth first, so the first path found to each state, and
/// so every counterexample, has the fewest steps; that search does not prune (a re-expansion would
/// come out of breadth-first order). With a depth bound, a state first reached deep is expanded
/// again when it is later reached at a smaller depth.
///
/// *Several threads* (`Configuration.statefulJobs`, in the spirit of SPIN's multi-core search and
/// TLC's workers, but deterministic). An expansion is computed first, reading the graph only (the
/// enabled threads, the steps, their successors' fingerprints and where they are stored), then
/// applied (the visits, new states, edges and requests). On several threads the search takes the
/// top `batchSize` requests at once, computes their expansions in parallel, and applies them one
/// after another in the order one thread would have taken them, skipping a request that an earlier
/// one in the batch made stale. The proofs above hold for any order in which requests are taken:
/// they use only that every state is, by the end, expanded with every sleep set it was visited
/// with or a smaller one. What an expansion computed from an older graph reads can only have
/// become more permissive (states stay stored, sleep sets only shrink), and a step whose visit it
/// thought needed is checked again when applied. So the stored states, the verdicts and the
/// livelocks are those of one thread; since the batches do not depend on the number of threads,
/// neither do the steps or the counterexamples, for any number above one.
///
/// The search is `@inlinable` throughout, as `OptimalDPOR` is, so that it is specialised for the
/// client's system in the client's module: unspecialised, every state operation went through
/// witness tables and runtime metadata lookups.
@usableFromInline struct StatefulSearch<System: TransitionSystem> {
  @usableFromInline let context: RunContext<System>
  /// `context.system` and the depth bound, held here: reading them through the class copies
  /// the system (retaining everything it holds) or the configuration at every use.
  @usableFromInline private(set) var system: System
  @usableFromInline let bound: Int?
  @usableFromInline let shortest: Bool

  /// Whether the completion derives sleeping edges by commutation before it re-walks the tree
  /// (off only in tests, to exercise the walk alone).
  @usableFromInline let derivesSleepingEdges: Bool

  @inlinable init(
    context: RunContext<System>, shortest: Bool, derivesSleepingEdges: Bool = true
  ) {
    self.context = context
    self.derivesSleepingEdges = derivesSleepingEdges
    self.system = context.system
    self.bound = context.configuration.depthBound
    self.shortest = shortest
    self.reduces = context.configuration.sleepSets && !shortest
  }

  /// The same search over `system` (an equal replica, for another thread of a parallel run).
  @inlinable init(_ search: StatefulSearch, system: System) {
    self = search
    self.system = system
  }

  /// Whether the search prunes with sleep sets.
  @usableFromInline let reduces: Bool

  /// A requested expansion: stale once the state's stored sleep set or depth has changed, since a
  /// newer request then covers it.
  @usableFromInline struct Pending {
    @usableFromInline var id: Int32
    @usableFromInline var state: System.State
    @usableFromInline var depth: Int
    @usableFromInline var sleep: UInt16

    @inlinable init(id: Int32, state: System.State, depth: Int, sleep: UInt16) {
      self.id = id
      self.state = state
      self.depth = depth
      self.sleep = sleep
    }
  }

  /// Shows an observer a path to a state where the search stops (terminal, or at the bound). The
  /// stateful search has no executions of its own: the path is the first one that reached the
  /// state, and its steps carry no footprints.
  @inlinable func observe(
    _ node: Pending, _ graph: StateGraph, _ ending: ExecutionRecord<System.State>.Ending,
    _ violations: [Violation]
  ) {
    if context.observer != nil { record(node, graph, ending, violations) }
  }

  /// The body of `observe`, not inlined: tests are the only observers.
  @usableFromInline func record(
    _ node: Pending, _ graph: StateGraph, _ ending: ExecutionRecord<System.State>.Ending,
    _ violations: [Violation]
  ) {
    guard let observer = context.observer else { return }
    observer(
      ExecutionRecord(
        steps: graph.path(to: node.id).map {
          .init(thread: $0.thread, choice: $0.choice, footprint: .empty)
        },
        ending: ending, finalState: node.state, violations: violations))
  }

  @inlinable func run() {
    var graph = StateGraph(
      compacted: context.configuration.hashCompaction, storesDepth: bound != nil)
    let initial = system.initialState
    let root = graph.add(Fingerprint(initial), parent: -1, thread: 0, choice: 0, depth: 0, sleep: 0)
    var frontier = [Pending(id: root, state: initial, depth: 0, sleep: 0)]
    expand(&frontier, &graph)
    if reduces, !context.shouldStop, needsCompletion(graph) {
      // Derivation looks no state up: without a bound, where it mostly leaves nothing to walk,
      // the visited set goes (and is rebuilt if the walk is needed); under one, its table.
      if bound == nil { graph.dropIndex() } else { graph.releaseSlots() }
      while !context.shouldStop {
        if derivesSleepingEdges { graph.deriveSleepingEdges() }
        guard completeSleepingEdges(&graph, &frontier), !context.shouldStop else { break }
        expand(&frontier, &graph)
      }
    }
    graph.dropIndex()
    context.storedStates = graph.count
    context.mayMissStates = context.configuration.hashCompaction
    if !context.shouldStop { reportLivelocks(graph) }
  }

  /// Reports the livelocks of the complete graph (`NonProgressCycles`).
  @usableFromInline func reportLivelocks(_ graph: StateGraph) {
    for lasso in NonProgressCycles(graph: graph, threadCount: system.threadCount).lassos() {
      let names = lasso.threads.map { system.threadName($0) }
      let violation = Violation.unboundedRetry(threads: names, length: lasso.loop.count)
      context.report(
        violation,
        trace: Trace(
          steps: lasso.prefix + lasso.loop, violation: violation, loopStart: lasso.prefix.count))
    }
  }

  /// Takes requested expansions off `frontier` until none is left. On one thread, one at a time:
  /// computed, then applied. On several (`Configuration.statefulJobs`), a batch at a time: the
  /// top `batchSize` requests (or the next ones, breadth first) are computed on all threads, then
  /// applied in the order one thread would have taken them. The batches, and so the order of
  /// every change to the graph, do not depend on the number of threads above one.
  @inlinable func expand(_ frontier: inout [Pending], _ graph: inout StateGraph) {
    let jobs = context.configuration.statefulJobs
    var head = 0
    var batch: [Pending] = []
    var expansion = Expansion()
    var scratch = ExpansionScratch(threads: system.threadCount)
    // Each thread steps its own replica of the system: shared arrays would have their reference
    // counts written by every thread at every step.
    let workers = jobs > 1 ? (0..<jobs).map { _ in Self(self, system: system.replica()) } : []
    let pool = jobs > 1 ? ExpansionPool(count: Self.batchSize) { Expansion() } : nil
    while head < frontier.count || (!shortest && !frontier.isEmpty) {
      if context.shouldStop { break }
      if jobs > 1 {
        takeBatch(&batch, &frontier, &head)
        computeExpansions(
          &batch, graph, workers: workers, into: pool!, placeholder: system.initialState)
        for k in batch.indices {
          if context.shouldStop { break }
          let slot = pool!.slots.baseAddress! + k
          guard !slot.pointee.stale, isCurrent(batch[k], graph) else { continue }
          var node = batch[k]
          if let state = slot.pointee.expansion.node { node.state = state }
          apply(slot.pointee.expansion, of: node, &graph, &frontier)
        }
        continue
      }
      let node: Pending
      if shortest {
        node = frontier[head]
        head += 1
        if head > 4096, head * 2 > frontier.count {
          frontier.removeFirst(head)
          head = 0
        }
      } else {
        node = frontier.removeLast()
      }
      guard isCurrent(node, graph) else { continue }
      computeExpansion(node, graph, into: &expansion, &scratch)
      apply(expansion, of: node, &graph, &frontier)
    }
    frontier.removeAll()
  }

  /// Moves the next `batchSize` requests of `frontier` to `batch`, in the order one thread takes
  /// them: from `head` on breadth first, from the top of the stack otherwise.
  @inlinable func takeBatch(
    _ batch: inout [Pending], _ frontier: inout [Pending], _ head: inout Int
  ) {
    batch.removeAll(keepingCapacity: true)
    if shortest {
      let end = min(frontier.count, head + Self.batchSize)
      batch.append(contentsOf: frontier[head..<end])
      head = end
      if head > 4096, head * 2 > frontier.count {
        frontier.removeFirst(head)
        head = 0
      }
    } else {
      let start = max(0, frontier.count - Self.batchSize)
      while frontier.count > start { batch.append(frontier.removeLast()) }
    }
  }

  /// The requests a batch holds on several threads: enough for each to amortise handing the
  /// work out, few enough that the requests an earlier one in the batch makes stale cost little.
  @inlinable static var batchSize: Int { 256 }

  /// Whether `node` is still the state's latest request: a newer one covers it otherwise.
  @inlinable func isCurrent(_ node: Pending, _ graph: StateGraph) -> Bool {
    graph.nodes[Int(node.id)].sleep == node.sleep
      && (bound == nil || graph.depth(of: node.id) == node.depth)
  }

  /// Applies the expansion of `node` to the graph, as if it were computed just now: records the
  /// enabled threads, ends an execution at a state where none can run or at the bound, and else
  /// visits or stores each successor and adds its edge.
  @inlinable func apply(
    _ expansion: Expansion, of node: Pending, _ graph: inout StateGraph,
    _ frontier: inout [Pending]
  ) {
    let id = Int(node.id)
    let mask = expansion.mask
    graph.nodes[id].enabledThreads = mask
    if mask == 0 {
      context.statistics.executions += 1
      let (ending, violations) = context.ending(
        of: node.state, blocked: expansion.blocked, in: system)
      if !violations.isEmpty {
        let path = graph.path(to: node.id)
        for violation in violations { context.report(violation, steps: path) }
      }
      observe(node, graph, ending, violations)
      return
    }
    if let bound, node.depth >= bound {
      context.statistics.executions += 1
      context.statistics.cutExecutions += 1
      observe(node, graph, .cut, [])
      return
    }
    // The cycle search may need the edges of the sleeping steps: the completion gives them.
    if node.sleep & mask != 0 { graph.nodes[id].lacksEdges = true }
    let childDepth = node.depth + 1
    var violations = expansion.violations[...]
    for k in expansion.steps.indices {
      let successor = expansion.steps[k]
      let (thread, choice) = (successor.thread, successor.choice)
      // A known successor another step of this batch has visited since may need nothing now.
      if successor.known >= 0,
        !needsVisit(successor.known, sleep: successor.sleep, depth: childDepth, graph)
      {
        continue
      }
      context.didStep(depth: childDepth)
      while let first = violations.first, first.step < k { violations.removeFirst() }
      if let first = violations.first, first.step == k {
        let violation = first.violation
        context.report(
          violation,
          steps: graph.path(to: node.id) + [Trace.Step(thread: thread, choice: choice)])
      }
      // A step of a huge expansion can be the one that runs out of time or memory.
      if let reason = context.stopReason, reason != .stoppedAtViolation { return }
      if successor.known >= 0 {
        visit(
          successor.known, state: expansion.states[k], sleep: successor.sleep, depth: childDepth,
          from: node.id, thread: thread, choice: choice, &graph, &frontier)
        continue
      }
      let fingerprint = successor.fingerprint
      let target: Int32
      // Stored states stay stored: only a miss needs looking up again.
      if let stored = successor.stored >= 0 ? successor.stored : graph.index.find(fingerprint) {
        target = stored
        visit(
          stored, state: expansion.states[k], sleep: successor.sleep, depth: childDepth,
          from: node.id, thread: thread, choice: choice, &graph, &frontier)
      } else {
        target = graph.add(
          fingerprint, parent: node.id, thread: thread, choice: choice, depth: childDepth,
          sleep: successor.sleep)
        frontier.append(
          Pending(
            id: target, state: expansion.states[k], depth: childDepth, sleep: successor.sleep))
        if let budget = context.configuration.stateBudget, graph.count > budget {
          context.stopReason = .exceededStateBudget
          return
        }
      }
      graph.addEdge(
        from: node.id,
        StateGraph.Edge(
          target: target, thread: UInt8(thread), choice: UInt16(choice),
          progress: successor.progress))
    }
  }

  /// Whether visiting stored state `id` with sleep set `sleep` at `depth` asks for more than its
  /// requested expansions cover.
  @inlinable func needsVisit(_ id: Int32, sleep: UInt16, depth: Int, _ graph: StateGraph) -> Bool {
    if graph.nodes[Int(id)].sleep & ~sleep != 0 { return true }
    if bound != nil, depth < graph.depth(of: id) { return true }
    return false
  }

  /// Visits stored state `id`, reached by a step from `parent`: narrows its sleep set (and its
  /// depth) and asks for an expansion if either changed.
  @inlinable func visit(
    _ id: Int32, state: System.State, sleep: UInt16, depth: Int, from parent: Int32, thread: Int,
    choice: Int, _ graph: inout StateGraph, _ frontier: inout [Pending]
  ) {
    guard needsVisit(id, sleep: sleep, depth: depth, graph) else { return }
    graph.nodes[Int(id)].sleep &= sleep
    var expandAt = depth
    if bound != nil {
      if depth < graph.depth(of: id) {
        graph.reparent(id, to: parent, thread: thread, choice: choice, depth: depth)
      }
      expandAt = graph.depth(of: id)
    }
    frontier.append(
      Pending(id: id, state: state, depth: expandAt, sleep: graph.nodes[Int(id)].sleep))
  }
}
