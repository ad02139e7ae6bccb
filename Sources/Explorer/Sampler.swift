/// Random and PCT sampling: each execution runs one schedule picked by a `SchedulePolicy`.
///
/// Sampling never claims completeness; it reaches depths that exhaustive strategies cannot.
@usableFromInline struct Sampler<System: TransitionSystem> {
  @usableFromInline let context: RunContext<System>

  @usableFromInline init(context: RunContext<System>) { self.context = context }

  @usableFromInline func run<Policy: SchedulePolicy>(executions: Int, policy: inout Policy) {
    let system = context.system
    var expectedLength = context.configuration.depthBound ?? 64
    for _ in 0..<executions {
      if context.shouldStop { return }
      policy.startExecution(threads: system.threadCount, expectedLength: expectedLength)
      var state = system.initialState
      context.see(state)
      var steps: [ExecutionRecord<System.State>.Step] = []
      var violations: [Violation] = []
      var ending: ExecutionRecord<System.State>.Ending
      while true {
        var enabled: [Int] = []
        var footprints: [Footprint] = []
        var choiceCounts: [Int] = []
        var blocked: [Int] = []
        for thread in 0..<system.threadCount {
          switch system.status(of: thread, in: state) {
          case .finished: break
          case .blocked: blocked.append(thread)
          case .enabled(let footprint, let choices):
            enabled.append(thread)
            footprints.append(footprint)
            choiceCounts.append(choices)
          }
        }
        if enabled.isEmpty {
          let final: [Violation]
          (ending, final) = context.ending(of: state, blocked: blocked)
          let trace = steps.map { Trace.Step(thread: $0.thread, choice: $0.choice) }
          for violation in final { context.report(violation, steps: trace) }
          violations += final
          break
        }
        if let bound = context.configuration.depthBound, steps.count >= bound {
          ending = .cut
          context.statistics.cutExecutions += 1
          break
        }
        let k = policy.pick(enabled, depth: steps.count)
        let choice = policy.choose(choiceCounts[k])
        let violation = system.execute(thread: enabled[k], choice: choice, in: &state)
        steps.append(.init(thread: enabled[k], choice: choice, footprint: footprints[k]))
        context.didStep(depth: steps.count)
        context.see(state)
        if let violation {
          violations.append(violation)
          context.report(
            violation, steps: steps.map { Trace.Step(thread: $0.thread, choice: $0.choice) })
        }
        if context.shouldStop {
          ending = .cut
          break
        }
      }
      context.statistics.executions += 1
      expectedLength = max(expectedLength, steps.count)
      context.observer?(
        ExecutionRecord(steps: steps, ending: ending, finalState: state, violations: violations))
    }
  }
}


