/// Optimal dynamic partial-order reduction with source sets, sleep sets and wakeup trees.
///
/// This follows Algorithm 2 ("Optimal-DPOR") of Abdulla, Aronis, Jonsson and Sagonas, *Source
/// Sets: A Foundation for Optimal Dynamic Partial Order Reduction*, JACM 64(4), 2017. In the
/// paper's notation:
///
/// - `E` is the current execution, kept as `frames`; `frames[i]` is the node `pre(E, e_i)`: the
///   state before event `e_i`, that node's sleep set `sleep(pre(E, e_i))` and its wakeup tree
///   `wut(pre(E, e_i))` of sequences still to explore there.
/// - `E ⊢ p ◇ q` (independence) is `!Event.isDependent`: different threads and non-conflicting
///   footprints. Happens-before `→E` is kept as one vector clock per event: `e →E e'` when `e'`'s
///   clock covers `e`. (`Footprint` defines conflicts; this is the only dependence relation.)
/// - **Exploring** a node: if its wakeup tree is empty, take any enabled event not in the sleep
///   set; otherwise take the leftmost child `p` of the tree and hand its subtree down as
///   `wut(E.p)`. The child's sleep set is `{q ∈ sleep(E) | E ⊢ p ◇ q}`. When the child returns,
///   `p` joins `sleep(E)` and the next child is taken.
/// - **Race reversal**, at the end of each execution: for each race `e ⋖E e'` (conflicting events
///   of different threads, `e →E e'` with no event in between on the happens-before chain) let
///   `E' = pre(E, e)` and `v = notdep(e, E).e'`, where `notdep(e, E)` is the subsequence of events
///   after `e` that do not happen after `e`. If no event of `sleep(E')` is a weak initial of `v`,
///   `v` is inserted into `wut(E')` (`WakeupTree.insert`). This is what makes the algorithm
///   optimal: a sequence is only ever scheduled if it starts a trace not yet explored, so no
///   execution is sleep-set blocked and each Mazurkiewicz trace is explored exactly once.
///
/// Races whose later step can block (a lock acquisition, an `await`) are reversed only when the
/// reversal can run: a release that enables an acquisition is not a race to reverse, and the
/// search looks past it to the acquisition that the release ends (Abdulla et al. call these
/// non-reversible races).
///
/// Three extensions of the paper, each a race of a special kind:
///
/// 1. **Nondeterministic choices.** An event is a thread *and* a choice; alternative choices of
///    one step are mutually dependent. For an event `e = (p, c)` whose step has `k` choices, each
///    alternative `(p, c')` is treated as racing with `e`: `v = notdep(e, E).(p, c')` goes into
///    `wut(pre(E, e))` under the usual sleep-set test.
/// 2. **Pending steps.** When an execution ends with threads that have not finished (a deadlock,
///    or the depth bound), each such thread's next step, enabled or blocked, takes part in race
///    detection as if appended to `E`. A deadlock's blocked lock acquisition thus races with the
///    acquisition that blocked it, and a step beyond the bound races with the steps before it.
/// 3. **The depth bound.** A bounded search must find every step whose causal past fits within
///    the bound, not only the races among executed steps. When an execution is cut at the bound,
///    each enabled pending step `q` also races with the last executed event `e` that does not
///    happen before `q` (a race for the last slot of the budget): `v = notdep(e, E).q` is
///    inserted at `pre(E, e)`. Every event after `e` happens before `q`, so `pre(E, e).v` keeps
///    `q`'s causal past and fits the bound. Pending steps are re-derived from the state at the
///    cut; because a thread's next step depends only on its own history, it is the same step it
///    would take in any execution with the same causal past.
///
/// Soundness of all three is checked by differential tests against `DepthFirstSearch` on
/// generated programs, with and without bounds (`Tests/ExplorerTests`). Under a bound the
/// strategy does not visit every *state* at the cut (two independent steps past the cut make
/// distinct states that no violation distinguishes), but it runs every step that can run within
/// the bound in every causal context, so it finds the same violations and deadlocks.
@usableFromInline struct OptimalDPOR<System: TransitionSystem> {
  @usableFromInline let context: RunContext<System>
  /// `context.system`, held here: reading it through the class would copy the system (and
  /// retain everything it holds) at every use on the hot path.
  @usableFromInline let system: System
  /// The same system in a box, for the closure the race analysis keeps (one retain to capture).
  @usableFromInline let systemBox: SystemBox<System>

  @usableFromInline init(context: RunContext<System>) {
    self.context = context
    self.system = context.system
    self.systemBox = SystemBox(context.system)
  }

  /// The state before each event of the current execution (`states[i]` is the state of node
  /// `pre(E, e_i)`); kept apart from `Node` so that race analysis runs on non-generic data.
  @usableFromInline typealias States = [System.State]

  /// Explores `root` (by default the whole tree): replays its prefix, then searches below it
  /// from its sleep set, reversing only races whose earlier event is below the root (see
  /// `Partition`).
  @inlinable func run(from root: Subtree = .whole) {
    let threads = system.threadCount
    let bound = context.configuration.depthBound
    var frames: [ExecutionNode] = []
    var states: States = []
    var state = system.initialState
    var sleep: [Event] = []
    // How many events at the front of `sleep` were inherited from the root (see `Partition`).
    var inherited = 0
    var wakeup = WakeupTree()
    var stepsOfThread = [Int](repeating: 0, count: threads)
    var statuses = [StepStatus](repeating: .finished, count: threads)
    context.see(state)
    // The nodes above the root belong to the partition, not to this search.
    let floor = root.prefix.count
    if floor == 0 {
      sleep = root.sleep
      inherited = sleep.count
    }

    // Where the current execution first differs from the previous one, and the meet of the
    // clocks of the previous execution's events from there on (see RaceAnalysis).
    var fresh = floor
    var previousTail = VectorClock.top
    exploration: while !context.shouldStop {
      refresh(&statuses, in: state)
      let atBound = bound.map { frames.count >= $0 } ?? false
      var next: (event: Event, choices: Int, subtree: WakeupTree)? = nil
      if frames.count < floor {
        let step = root.prefix[frames.count]
        guard case .enabled(let footprint, let choices) = statuses[step.thread], step.choice < choices
        else { preconditionFailure("the prefix of a subtree does not replay") }
        next = (Event(thread: step.thread, choice: step.choice, footprint: footprint), choices, WakeupTree())
      } else if !atBound {
        next = takeChild(from: &wakeup, statuses: statuses, sleep: sleep, firstVisit: true)
      }
      if next == nil {
        endExecution(
          &frames, states: states, state: state, statuses: statuses, atBound: atBound, fresh: fresh,
          previousTail: previousTail, floor: floor)
        previousTail = .top
        while frames.count > floor, let top = frames.popLast() {
          previousTail.meet(top.clock)
          stepsOfThread[Int(top.event.thread)] -= 1
          state = states.removeLast()
          sleep = top.sleep
          inherited = Int(top.inheritedSleep)
          sleep.append(top.event)
          wakeup = top.wakeup
          if context.shouldStop { break exploration }
          refresh(&statuses, in: state)
          if let child = takeChild(
            from: &wakeup, statuses: statuses, sleep: sleep, firstVisit: false)
          {
            next = child
            fresh = frames.count
            break
          }
        }
        guard next != nil else { break exploration }
      }
      let (event, choices, subtree) = next!
      let thread = Int(event.thread)
      stepsOfThread[thread] += 1
      var clock = VectorClock()
      var sawOwnThread = false
      for i in stride(from: frames.count - 1, through: 0, by: -1) {
        let earlier = frames[i].event
        if earlier.thread == event.thread {
          if !sawOwnThread {
            clock.join(frames[i].clock)
            sawOwnThread = true
          }
        } else if earlier.footprint.conflicts(with: event.footprint) {
          clock.join(frames[i].clock)
        }
      }
      clock[thread] = stepsOfThread[thread]
      frames.append(
        ExecutionNode(
          sleep: sleep, inheritedSleep: inherited, wakeup: wakeup, event: event, choices: choices,
          clock: clock, indexInThread: stepsOfThread[thread]))
      states.append(state)
      // Usually every sleeping event stays asleep: keep the array then instead of copying it.
      if sleep.contains(where: { $0.isDependent(on: event) }) {
        if inherited > 0 { inherited = sleep.prefix(inherited).filter { !$0.isDependent(on: event) }.count }
        sleep = sleep.filter { !$0.isDependent(on: event) }
      }
      wakeup = subtree
      if frames.count == floor {
        sleep = root.sleep
        inherited = sleep.count
      }
      let violation = system.execute(thread: thread, choice: Int(event.choice), in: &state)
      context.didStep(depth: frames.count)
      context.see(state)
      if let violation {
        frames[frames.count - 1].violation = violation
        context.report(violation, steps: frames.map { $0.event.traceStep })
      }
    }
  }

  @inlinable func refresh(_ statuses: inout [StepStatus], in state: System.State) {
    for t in 0..<statuses.count { statuses[t] = system.status(of: t, in: state) }
  }

  /// The next event to explore from a node: the leftmost executable child of its wakeup tree or,
  /// on the first visit to a node with no usable wakeup sequence, the first enabled event that is
  /// not asleep.
  ///
  /// A wakeup sequence derived from a blocked pending step can start with a step that is still
  /// blocked here; such a branch cannot be executed and is dropped (its steps would stay blocked
  /// in every extension, since only dependent steps change whether a step is enabled).
  @inlinable func takeChild(
    from wakeup: inout WakeupTree, statuses: [StepStatus], sleep: [Event], firstVisit: Bool
  ) -> (event: Event, choices: Int, subtree: WakeupTree)? {
    while let (planned, subtree) = wakeup.popFirst() {
      let thread = Int(planned.thread)
      if case .enabled(let footprint, let choices) = statuses[thread], Int(planned.choice) < choices
      {
        let event = Event(thread: thread, choice: Int(planned.choice), footprint: footprint)
        if sleep.contains(where: { $0.isSameStep(as: event) }) { continue }
        return (event, choices, subtree)
      }
    }
    guard firstVisit else { return nil }
    for (thread, status) in statuses.enumerated() {
      guard case .enabled(let footprint, let choices) = status else { continue }
      for choice in 0..<choices {
        let event = Event(thread: thread, choice: choice, footprint: footprint)
        if !sleep.contains(where: { $0.isSameStep(as: event) }) {
          return (event, choices, WakeupTree())
        }
      }
    }
    return nil
  }

  /// Accounts for an execution that cannot be extended, reports its final violations, and
  /// plants the wakeup sequences its races call for.
  @usableFromInline func endExecution(
    _ frames: inout [ExecutionNode], states: States, state: System.State, statuses: [StepStatus],
    atBound: Bool, fresh: Int, previousTail: VectorClock, floor: Int
  ) {
    var blocked: [Int] = []
    var enabled: [Int] = []
    for (thread, status) in statuses.enumerated() {
      switch status {
      case .finished: break
      case .blocked: blocked.append(thread)
      case .enabled: enabled.append(thread)
      }
    }
    var ending: ExecutionRecord<System.State>.Ending
    var violations: [Violation] = []
    if !enabled.isEmpty {
      ending = atBound ? .cut : .sleepSetBlocked
      switch ending {
      case .sleepSetBlocked: context.statistics.sleepSetBlocked += 1
      default:
        context.statistics.executions += 1
        context.statistics.cutExecutions += 1
      }
    } else {
      (ending, violations) = context.ending(of: state, blocked: blocked, in: system)
      context.statistics.executions += 1
    }
    if !violations.isEmpty {
      let steps = frames.map { $0.event.traceStep }
      for violation in violations { context.report(violation, steps: steps) }
    }
    if let observer = context.observer {
      observer(
        ExecutionRecord(
          steps: frames.map {
            .init(
              thread: Int($0.event.thread), choice: Int($0.event.choice),
              footprint: $0.event.footprint)
          }, ending: ending, finalState: state,
          violations: frames.compactMap(\.violation) + violations))
    }
    // Settled nodes: every event from `fresh` on, in this execution and the previous one,
    // happens after theirs.
    var settled = previousTail
    for node in frames[min(fresh, frames.count)...] { settled.meet(node.clock) }
    // A sleep-set-blocked execution (possible only under a bound, where weak initials count as
    // initials) still holds races that no other execution may reverse: analyse it too, with its
    // pending steps, but without the last-slot races of a cut.
    let bounded = context.configuration.depthBound != nil
    // The closure holds the system in its box: capturing the system itself copied it (every
    // array and closure it holds retained, then released) at every execution's end.
    var analysis = RaceAnalysis(nodes: frames, bounded: bounded, floor: floor) {
      [box = systemBox] sequence, i in
      Self.isExecutable(sequence, from: states[i], in: box.system)
    }
    frames.removeAll()  // leaves `analysis` the only owner, so planting does not copy the nodes
    analysis.plantWakeupSequences(
      statuses: statuses, cut: ending == .cut && atBound, fresh: fresh, settled: settled)
    frames = analysis.nodes
  }

  /// Whether `sequence` can run step by step from `state`.
  @usableFromInline static func isExecutable(_ sequence: [Event], from state: System.State, in system: System) -> Bool {
    var state = state
    for event in sequence {
      guard case .enabled(_, let choices) = system.status(of: Int(event.thread), in: state),
        Int(event.choice) < choices
      else { return false }
      _ = system.execute(thread: Int(event.thread), choice: Int(event.choice), in: &state)
    }
    return true
  }
}

/// A system held by reference, so that an escaping closure captures one pointer, not the
/// system's every field.
@usableFromInline final class SystemBox<System: TransitionSystem> {
  @usableFromInline let system: System

  @inlinable init(_ system: System) { self.system = system }
}
