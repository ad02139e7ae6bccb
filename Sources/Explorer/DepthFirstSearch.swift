/// Every interleaving and every choice, one after another, with no reduction at all.
///
/// This is the oracle the other strategies are tested against, so it is kept as plain as
/// possible: at each state, for each enabled thread in order, for each of its choices, copy the
/// state, run the step, recurse.
@usableFromInline struct DepthFirstSearch<System: TransitionSystem> {
  @usableFromInline let context: RunContext<System>
  /// `context.system`, held here so that a node does not copy it out of the class.
  let system: System

  @usableFromInline init(context: RunContext<System>) {
    self.context = context
    self.system = context.system
  }

  /// Explores `root` (by default the whole tree): replays its prefix, then every interleaving
  /// below it.
  @usableFromInline func run(from root: Subtree = .whole) {
    var steps: [ExecutionRecord<System.State>.Step] = []
    var violations: [Violation] = []
    var state = system.initialState
    context.see(state)
    for step in root.prefix {
      guard case .enabled(let footprint, let choices) = system.status(of: step.thread, in: state),
        step.choice < choices
      else { preconditionFailure("the prefix of a subtree does not replay") }
      let violation = system.execute(thread: step.thread, choice: step.choice, in: &state)
      steps.append(.init(thread: step.thread, choice: step.choice, footprint: footprint))
      context.didStep(depth: steps.count)
      context.see(state)
      if let violation {
        violations.append(violation)
        context.report(violation, steps: steps.map { Trace.Step(thread: $0.thread, choice: $0.choice) })
      }
    }
    visit(state, &steps, &violations)
  }

  private func visit(
    _ state: System.State, _ steps: inout [ExecutionRecord<System.State>.Step],
    _ violations: inout [Violation]
  ) {
    var enabled: [(thread: Int, footprint: Footprint, choices: Int)] = []
    var blocked: [Int] = []
    for thread in 0..<system.threadCount {
      switch system.status(of: thread, in: state) {
      case .finished: break
      case .blocked: blocked.append(thread)
      case .enabled(let footprint, let choices): enabled.append((thread, footprint, choices))
      }
    }
    let atBound = context.configuration.depthBound.map { steps.count >= $0 } ?? false
    if enabled.isEmpty || atBound {
      var ending: ExecutionRecord<System.State>.Ending = .cut
      var final: [Violation] = []
      if enabled.isEmpty {
        (ending, final) = context.ending(of: state, blocked: blocked)
        let trace = steps.map { Trace.Step(thread: $0.thread, choice: $0.choice) }
        for violation in final { context.report(violation, steps: trace) }
      } else {
        context.statistics.cutExecutions += 1
      }
      context.statistics.executions += 1
      context.observer?(
        ExecutionRecord(
          steps: steps, ending: ending, finalState: state, violations: violations + final))
      return
    }
    for (thread, footprint, choices) in enabled {
      for choice in 0..<choices {
        if context.shouldStop { return }
        var next = state
        let violation = system.execute(thread: thread, choice: choice, in: &next)
        steps.append(.init(thread: thread, choice: choice, footprint: footprint))
        context.didStep(depth: steps.count)
        context.see(next)
        if let violation {
          violations.append(violation)
          context.report(
            violation, steps: steps.map { Trace.Step(thread: $0.thread, choice: $0.choice) })
        }
        visit(next, &steps, &violations)
        if violation != nil { violations.removeLast() }
        steps.removeLast()
      }
    }
  }
}
