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
struct OptimalDPOR<System: TransitionSystem> {
  let context: RunContext<System>

  /// One node of the current execution and the event explored from it.
  struct Frame {
    /// The state before `event`.
    var state: System.State
    /// `sleep(pre(E, e))`, without `event` itself.
    var sleep: [Event]
    /// The sequences still to explore from this node.
    var wakeup: WakeupTree
    var event: Event
    /// How many choices `event`'s step offered.
    var choices: Int
    /// Everything that happens before `event`, and `event` itself.
    var clock: VectorClock
    /// `event` is the `indexInThread`-th step of its thread (1-based).
    var indexInThread: Int
  }

  func run() {
    let system = context.system
    let threads = system.threadCount
    let bound = context.configuration.depthBound
    var frames: [Frame] = []
    var state = system.initialState
    var sleep: [Event] = []
    var wakeup = WakeupTree()
    var stepsOfThread = [Int](repeating: 0, count: threads)
    var statuses = [StepStatus](repeating: .finished, count: threads)
    context.see(state)

    exploration: while !context.shouldStop {
      refresh(&statuses, in: state)
      let atBound = bound.map { frames.count >= $0 } ?? false
      var next: (event: Event, choices: Int, subtree: WakeupTree)? = nil
      if !atBound {
        next = takeChild(from: &wakeup, statuses: statuses, sleep: sleep, firstVisit: true)
      }
      if next == nil {
        endExecution(&frames, state: state, statuses: statuses, atBound: atBound)
        while let top = frames.popLast() {
          stepsOfThread[Int(top.event.thread)] -= 1
          state = top.state
          sleep = top.sleep
          sleep.append(top.event)
          wakeup = top.wakeup
          if context.shouldStop { break exploration }
          refresh(&statuses, in: state)
          if let child = takeChild(
            from: &wakeup, statuses: statuses, sleep: sleep, firstVisit: false)
          {
            next = child
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
        Frame(
          state: state, sleep: sleep, wakeup: wakeup, event: event, choices: choices,
          clock: clock, indexInThread: stepsOfThread[thread]))
      sleep = sleep.filter { !$0.isDependent(on: event) }
      wakeup = subtree
      let violation = system.execute(thread: thread, choice: Int(event.choice), in: &state)
      context.didStep(depth: frames.count)
      context.see(state)
      if let violation {
        context.report(violation, steps: frames.map { $0.event.traceStep })
      }
    }
  }

  private func refresh(_ statuses: inout [StepStatus], in state: System.State) {
    for t in 0..<statuses.count { statuses[t] = context.system.status(of: t, in: state) }
  }

  /// The next event to explore from a node: the leftmost executable child of its wakeup tree or,
  /// on the first visit to a node with no usable wakeup sequence, the first enabled event that is
  /// not asleep.
  ///
  /// A wakeup sequence derived from a blocked pending step can start with a step that is still
  /// blocked here; such a branch cannot be executed and is dropped (its steps would stay blocked
  /// in every extension, since only dependent steps change whether a step is enabled).
  private func takeChild(
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
  private func endExecution(
    _ frames: inout [Frame], state: System.State, statuses: [StepStatus], atBound: Bool
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
    let ending: ExecutionRecord<System.State>.Ending
    var violations: [Violation] = []
    if !enabled.isEmpty {
      ending = atBound ? .cut : .sleepSetBlocked
    } else {
      ending = blocked.isEmpty ? .finished : .deadlock
      violations = context.finalViolations(of: state, blocked: blocked)
    }
    switch ending {
    case .sleepSetBlocked: context.statistics.sleepSetBlocked += 1
    case .cut:
      context.statistics.executions += 1
      context.statistics.cutExecutions += 1
    case .finished, .deadlock: context.statistics.executions += 1
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
          }, ending: ending, finalState: state, violations: violations))
    }
    guard ending != .sleepSetBlocked else { return }
    plantWakeupSequences(&frames, statuses: statuses, cut: ending == .cut)
  }

  /// Race detection and reversal over the whole execution, its pending steps and its choices.
  private func plantWakeupSequences(_ frames: inout [Frame], statuses: [StepStatus], cut: Bool) {
    var lastClock = [VectorClock](repeating: VectorClock(), count: statuses.count)
    for j in frames.indices {
      let event = frames[j].event
      _ = reverseRaces(&frames, with: event, before: j, startingFrom: lastClock[Int(event.thread)])
      lastClock[Int(event.thread)] = frames[j].clock
      if frames[j].choices > 1 {
        for choice in 0..<frames[j].choices where choice != Int(event.choice) {
          let alternative = Event(
            thread: Int(event.thread), choice: choice, footprint: event.footprint)
          plant(&frames, at: j, sequence: notDependent(on: j, in: frames) + [alternative])
        }
      }
    }
    for (thread, status) in statuses.enumerated() {
      let footprint: Footprint
      switch status {
      case .finished: continue
      case .blocked(let f): footprint = f
      case .enabled(let f, _): footprint = f
      }
      let pending = Event(thread: thread, choice: 0, footprint: footprint)
      let past = reverseRaces(
        &frames, with: pending, before: frames.count, startingFrom: lastClock[thread])
      guard cut, case .enabled = status else { continue }
      if let i = frames.indices.last(where: {
        !past.covers(thread: Int(frames[$0].event.thread), index: frames[$0].indexInThread)
      }) {
        plant(&frames, at: i, sequence: notDependent(on: i, in: frames) + [pending])
      }
    }
  }

  /// Reverses every race `e ⋖ target` with `e` among `frames[..<end]`; returns the clock of
  /// everything that happens before `target`.
  private func reverseRaces(
    _ frames: inout [Frame], with target: Event, before end: Int,
    startingFrom threadClock: VectorClock
  ) -> VectorClock {
    var past = threadClock
    for i in stride(from: end - 1, through: 0, by: -1) {
      let earlier = frames[i].event
      guard earlier.thread != target.thread, earlier.footprint.conflicts(with: target.footprint)
      else { continue }
      if !past.covers(thread: Int(earlier.thread), index: frames[i].indexInThread) {
        let reversal = notDependent(on: i, in: frames) + [target]
        if target.footprint.canBlock && !isExecutable(reversal, from: frames[i].state) {
          // Not a reversible race: `earlier` enabled `target` (a release before an acquire, a
          // store an `await` waited for). The race to reverse is with whatever `earlier` comes
          // after, so look further back as if `earlier` were not on the happens-before chain.
          continue
        }
        plant(&frames, at: i, sequence: reversal)
      }
      past.join(frames[i].clock)
    }
    return past
  }

  /// Whether `sequence` can run step by step from `state`.
  private func isExecutable(_ sequence: [Event], from state: System.State) -> Bool {
    var state = state
    for event in sequence {
      guard case .enabled(_, let choices) = context.system.status(of: Int(event.thread), in: state),
        Int(event.choice) < choices
      else { return false }
      _ = context.system.execute(thread: Int(event.thread), choice: Int(event.choice), in: &state)
    }
    return true
  }

  /// `notdep(e_i, E)`: the events after `e_i` that do not happen after it, in order.
  private func notDependent(on i: Int, in frames: [Frame]) -> [Event] {
    let thread = Int(frames[i].event.thread)
    let index = frames[i].indexInThread
    var result: [Event] = []
    for k in (i + 1)..<frames.count where !frames[k].clock.covers(thread: thread, index: index) {
      result.append(frames[k].event)
    }
    return result
  }

  /// Inserts `sequence` into `wut(pre(E, e_i))` unless a sleeping event is a weak initial of it.
  private func plant(_ frames: inout [Frame], at i: Int, sequence: [Event]) {
    for asleep in frames[i].sleep where sequence.removingWeakInitial(asleep) != nil { return }
    frames[i].wakeup.insert(sequence)
  }
}
