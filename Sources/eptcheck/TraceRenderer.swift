import Explorer
import Foundation
import Spec

/// Replays a counterexample against its scenario and describes every step in kernel terms.
struct TraceRenderer {
  let system: ScenarioSystem

  /// The rendered trace; throws when the trace does not replay or does not show its violation.
  func render(_ trace: Trace) throws(ReplayError) -> RenderedTrace {
    let outcome = try Replayer(system: system).validate(trace)
    var steps: [RenderedTrace.Step] = []
    for (index, step) in trace.steps.enumerated() {
      let before = outcome.states[index]
      let info = system.stepInfo(of: step.thread, in: before)
      let invisible = system.invisibleSteps(after: step.thread, choice: step.choice, in: before)
      steps.append(
        RenderedTrace.Step(
          index: index + 1, thread: step.thread, threadName: system.threadName(step.thread),
          choice: step.choice, function: info?.function ?? "?",
          kernelFile: info?.kernel?.file, kernelFunction: info?.kernel?.function,
          location: info?.location, operation: info?.operation ?? "",
          invisible: invisible.isEmpty ? nil : invisible.map(Self.describe),
          changes: system.kernelChanges(from: before, to: outcome.states[index + 1]),
          returned: system.seamcallReturns(
            of: step.thread, choice: step.choice, before: before, after: outcome.states[index + 1]
          ).map { "\($0.function)() → \($0.status)" }.nilIfEmpty))
    }
    let violation =
      trace.violation ?? outcome.violations.first?.violation
      ?? Violation(kind: "none", message: "the trace ends without a violation")
    let at =
      outcome.violations.first(where: { $0.violation == violation })?.step ?? trace.steps.count
    var rendered = RenderedTrace(
      violation: violation, trace: trace,
      threadNames: (0..<system.threadCount).map { system.threadName($0) }, steps: steps,
      invisibleAtStart: system.invisibleStepsAtStart.map { $0.map(Self.describe) },
      violationStep: at)
    rendered.displayMessage = system.inKernelTerms(violation.message, in: outcome.states.reversed())
    if violation.kind != "none" {
      rendered.culprits = culprits(trace, outcome.states, at: at, kind: violation.kind)
    }
    return rendered
  }

  /// The threads a violation is about, each where it stood: the thread whose step raised it
  /// (its call stack and held locks, before the step); for a deadlock, or a violation at the
  /// end of an execution, every thread that had not finished, with what its step waits for.
  func culprits(_ trace: Trace, _ states: [ScenarioSystem.State], at: Int, kind: String)
    -> [RenderedTrace.Culprit]
  {
    func culprit(_ thread: Int, _ state: ScenarioSystem.State, waiting: Bool)
      -> RenderedTrace.Culprit
    {
      let info = system.stepInfo(of: thread, in: state)
      return RenderedTrace.Culprit(
        thread: system.threadName(thread),
        operation: info.map { "\(Self.describe($0))" },
        stack: system.callStack(of: thread, in: state).map(Self.describe),
        heldLocks: system.heldLocks(of: thread, in: state),
        waitsFor: waiting ? info.map { system.locksNamed(in: $0.operation, in: state) } ?? [] : [],
        blocked: waiting ? true : nil)
    }
    if at < trace.steps.count {
      let racer = trace.steps[at].thread
      var found = [culprit(racer, states[at], waiting: false)]
      // A race has two sides, as KCSAN prints them: the other thread's latest step that
      // touched what the racing step touches.
      if kind == "race", let other = otherAccess(trace, states, at: at) {
        var side = culprit(trace.steps[other].thread, states[other], waiting: false)
        side.role = "the other access, step \(other + 1)"
        found.append(side)
      }
      return found
    }
    guard let last = states.last else { return [] }
    return (0..<system.threadCount).filter { system.stepInfo(of: $0, in: last) != nil }.map {
      culprit($0, last, waiting: kind == "deadlock")
    }
  }

  /// The step before `at` of another thread that touched an object the step at `at` touches;
  /// nil when none did.
  func otherAccess(_ trace: Trace, _ states: [ScenarioSystem.State], at: Int) -> Int? {
    func objects(_ step: Int) -> Set<Int> {
      switch system.status(of: trace.steps[step].thread, in: states[step]) {
      case .enabled(let footprint, _), .blocked(let footprint):
        return Set(footprint.objects.map(\.object))
      case .finished:
        return []
      }
    }
    let touched = objects(at)
    let racer = trace.steps[at].thread
    return (0..<at).reversed().first {
      trace.steps[$0].thread != racer && !objects($0).isDisjoint(with: touched)
    }
  }

  /// A stack frame as a stack dump line: `tdh_mem_page_aug (tdx_module.ept:123)`, with the
  /// kernel function it models when that differs.
  static func describe(_ frame: ScenarioSystem.StackFrame) -> String {
    var text = frame.function
    if let kernel = frame.kernel, kernel.function != frame.function {
      text += " [\(kernel.function)]"
    }
    return text + " (\((frame.location.file as NSString).lastPathComponent):\(frame.location.line))"
  }

  /// An invisible step as traces list it: `mmu.ept:120 read_lock(&mmu_lock)`.
  static func describe(_ info: ScenarioSystem.StepInfo) -> String {
    "\((info.location.file as NSString).lastPathComponent):\(info.location.line) \(info.operation)"
  }
}

extension Array {
  /// nil for an empty array, so that JSON leaves the field out.
  var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}
