import Foundation
import Explorer
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
          changes: system.changes(from: before, to: outcome.states[index + 1])))
    }
    let violation = trace.violation ?? outcome.violations.first?.violation
      ?? Violation(kind: "none", message: "the trace ends without a violation")
    let at = outcome.violations.first(where: { $0.violation == violation })?.step ?? trace.steps.count
    return RenderedTrace(
      violation: violation, trace: trace,
      threadNames: (0..<system.threadCount).map { system.threadName($0) }, steps: steps,
      invisibleAtStart: system.invisibleStepsAtStart.map { $0.map(Self.describe) },
      violationStep: at)
  }

  /// An invisible step as traces list it: `mmu.ept:120 read_lock(&mmu_lock)`.
  static func describe(_ info: ScenarioSystem.StepInfo) -> String {
    "\((info.location.file as NSString).lastPathComponent):\(info.location.line) \(info.operation)"
  }
}
