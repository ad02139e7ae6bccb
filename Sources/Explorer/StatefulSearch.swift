/// Search over states with a visited set, then a search for livelock cycles.
///
/// The method is explicit-state search as in SPIN: every reachable state is stored once (as a
/// 128-bit `Fingerprint`) and expanded once, with every enabled step and every choice; a step
/// reaching a stored state adds an edge and goes no further. Because no transition is pruned, the
/// stored graph *is* the reachable state graph, so every reachable state, every step's violation,
/// every deadlock and every cycle is found: soundness needs no argument beyond exhaustiveness. The
/// price is that states are not reduced by partial-order reduction (DPOR reduces executions, which
/// is what matters for models whose states rarely repeat); the payoff is time proportional to the
/// states, not the interleavings, for models with retry loops, and termination without a depth
/// bound when the model has cycles.
///
/// With `shortest`, states are expanded breadth first, so the first path found to each state, and
/// so every counterexample, has the fewest steps. With a depth bound, a state first reached deep
/// is expanded again when it is later reached at a smaller depth.
///
/// Livelocks are found afterwards by `NonProgressCycles` on the stored graph.
@usableFromInline struct StatefulSearch<System: TransitionSystem> {
  @usableFromInline let context: RunContext<System>
  let shortest: Bool

  @usableFromInline init(context: RunContext<System>, shortest: Bool) {
    self.context = context
    self.shortest = shortest
  }

  private struct Pending {
    var id: Int32
    var state: System.State
    var depth: Int
  }

  /// Shows an observer a path to a state where the search stops (terminal, or at the bound). The
  /// stateful search has no executions of its own: the path is the first one that reached the
  /// state, and its steps carry no footprints.
  private func observe(
    _ node: Pending, _ graph: StateGraph, _ ending: ExecutionRecord<System.State>.Ending,
    _ violations: [Violation]
  ) {
    guard let observer = context.observer else { return }
    observer(
      ExecutionRecord(
        steps: graph.path(to: node.id).map { .init(thread: $0.thread, choice: $0.choice, footprint: .empty) },
        ending: ending, finalState: node.state, violations: violations))
  }

  @usableFromInline func run() {
    let system = context.system
    let bound = context.configuration.depthBound
    var graph = StateGraph()
    let initial = system.initialState
    var frontier = [Pending(id: graph.add(Fingerprint(initial), parent: -1, thread: 0, choice: 0, depth: 0), state: initial, depth: 0)]
    var head = 0
    while head < frontier.count || (!shortest && !frontier.isEmpty) {
      if context.shouldStop { break }
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
      if bound != nil, Int(graph.depth[Int(node.id)]) < node.depth { continue }
      graph.edges[Int(node.id)].removeAll(keepingCapacity: true)
      var enabled: [(thread: Int, choices: Int)] = []
      var blocked: [Int] = []
      var mask: UInt16 = 0
      for thread in 0..<system.threadCount {
        switch system.status(of: thread, in: node.state) {
        case .finished: break
        case .blocked: blocked.append(thread)
        case .enabled(_, let choices):
          enabled.append((thread, choices))
          mask |= 1 << UInt16(thread)
        }
      }
      graph.enabledThreads[Int(node.id)] = mask
      if enabled.isEmpty {
        context.statistics.executions += 1
        let violations = context.finalViolations(of: node.state, blocked: blocked)
        if !violations.isEmpty {
          let path = graph.path(to: node.id)
          for violation in violations { context.report(violation, steps: path) }
        }
        observe(node, graph, blocked.isEmpty ? .finished : .deadlock, violations)
        continue
      }
      if let bound, node.depth >= bound {
        context.statistics.executions += 1
        context.statistics.cutExecutions += 1
        observe(node, graph, .cut, [])
        continue
      }
      expansion: for (thread, choices) in enabled {
        let progress = system.isProgress(of: thread, in: node.state)
        for choice in 0..<choices {
          var next = node.state
          let violation = system.execute(thread: thread, choice: choice, in: &next)
          context.didStep(depth: node.depth + 1)
          if let violation {
            context.report(
              violation,
              steps: graph.path(to: node.id) + [Trace.Step(thread: thread, choice: choice)])
          }
          let fingerprint = Fingerprint(next)
          let target: Int32
          if let known = graph.number[fingerprint] {
            target = known
            if bound != nil, node.depth + 1 < Int(graph.depth[Int(known)]) {
              graph.depth[Int(known)] = Int32(node.depth + 1)
              graph.parent[Int(known)] = (node.id, UInt8(thread), UInt16(choice))
              frontier.append(Pending(id: known, state: next, depth: node.depth + 1))
            }
          } else {
            target = graph.add(
              fingerprint, parent: node.id, thread: thread, choice: choice, depth: node.depth + 1)
            frontier.append(Pending(id: target, state: next, depth: node.depth + 1))
            if let budget = context.configuration.stateBudget, graph.count > budget {
              context.stopReason = .exceededStateBudget
              break expansion
            }
          }
          graph.edges[Int(node.id)].append(
            StateGraph.Edge(
              target: target, thread: UInt8(thread), choice: UInt16(choice), progress: progress))
        }
      }
    }
    context.storedStates = graph.count
    if !context.shouldStop {
      for lasso in NonProgressCycles(graph: graph, threadCount: system.threadCount).lassos() {
        let names = lasso.threads.map { system.threadName($0) }
        let violation = Violation.unboundedRetry(threads: names, length: lasso.loop.count)
        context.report(
          violation,
          trace: Trace(
            steps: lasso.prefix + lasso.loop, violation: violation, loopStart: lasso.prefix.count))
      }
    }
  }
}
