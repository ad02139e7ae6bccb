/// Makes counterexamples short and readable: fewest steps first, then fewest context switches.
///
/// Every candidate is checked by replay, so the result always reproduces the violation; the
/// search is greedy (remove one step, move one step next to its thread's previous step, or swap
/// two adjacent runs of one thread's steps, and keep the change when the trace still shows the
/// violation) and runs to a fixed point.
public struct Shrinker<System: TransitionSystem> {
  public let system: System

  public init(system: System) { self.system = system }

  /// Whether `steps` replays and shows `violation`; if so, the steps up to the first step that
  /// raised it (all of them for a violation of the final state).
  func reproduce(_ violation: Violation, _ steps: [Trace.Step]) -> [Trace.Step]? {
    guard let outcome = try? Replayer(system: system).replay(steps) else { return nil }
    guard let hit = outcome.violations.first(where: { $0.violation == violation }) else {
      return nil
    }
    return hit.step < steps.count ? Array(steps[...hit.step]) : steps
  }

  /// Shrinks `steps`, which must reproduce `violation`.
  public func shrink(_ steps: [Trace.Step], for violation: Violation) -> [Trace.Step] {
    guard var best = reproduce(violation, steps) else { return steps }
    var changed = true
    while changed {
      changed = false
      var i = 0
      while i < best.count {
        var candidate = best
        candidate.remove(at: i)
        if let shorter = reproduce(violation, candidate) {
          best = shorter
          changed = true
        } else {
          i += 1
        }
      }
    }
    return reorder(best) { candidate in
      guard let reordered = reproduce(violation, candidate), reordered.count <= best.count else {
        return nil
      }
      return reordered
    }
  }

  /// Reorders `steps` for fewer context switches (`suffix` follows them in the trace): moves a
  /// step next to its thread's previous step, or swaps two adjacent runs of one thread's steps,
  /// keeping a change when `accept` takes it (and returns the steps to keep), to a fixed point.
  func reorder(
    _ steps: [Trace.Step], suffix: ArraySlice<Trace.Step> = [],
    accept: ([Trace.Step]) -> [Trace.Step]?
  ) -> [Trace.Step] {
    func switches(_ steps: [Trace.Step]) -> Int { Trace(steps: steps + suffix).contextSwitches }
    var best = steps
    var changed = true
    while changed {
      changed = false
      var i = 1
      while i < best.count {
        if best[i].thread != best[i - 1].thread,
          let j = best[(i + 1)...].firstIndex(where: { $0.thread == best[i - 1].thread })
        {
          var candidate = best
          let moved = candidate.remove(at: j)
          candidate.insert(moved, at: i)
          if let reordered = accept(candidate), switches(reordered) < switches(best) {
            best = reordered
            changed = true
            continue
          }
        }
        i += 1
      }
      // Pulling one step forward cannot merge `0,0,1,1,1,1,0,0` into `1,1,1,1,0,0,0,0`: swapping
      // two adjacent runs of steps can.
      var runs: [Range<Int>] = []
      var start = 0
      for k in 1..<max(best.count + 1, 1) where k == best.count || best[k].thread != best[k - 1].thread {
        runs.append(start..<k)
        start = k
      }
      for r in runs.indices.dropLast() {
        var candidate = Array(best[..<runs[r].lowerBound])
        candidate += best[runs[r + 1]]
        candidate += best[runs[r]]
        candidate += best[runs[r + 1].upperBound...]
        if let reordered = accept(candidate), switches(reordered) < switches(best) {
          best = reordered
          changed = true
          break
        }
      }
    }
    return best
  }

  /// A lasso with its prefix reordered for fewer context switches; the prefix still ends in the
  /// state where the loop starts. (The loop is built from shortest paths and left as it is.)
  func reorderPrefix(of trace: Trace) -> Trace {
    guard let loopStart = trace.loopStart,
      let outcome = try? Replayer(system: system).replay(trace.steps)
    else { return trace }
    let entry = outcome.states[loopStart]
    let loop = trace.steps[loopStart...]
    var result = trace
    result.steps =
      reorder(Array(trace.steps[..<loopStart]), suffix: loop) { candidate in
        (try? Replayer(system: system).replay(candidate))?.finalState == entry ? candidate : nil
      } + loop
    return result
  }

  /// The counterexample to report: shrunk if asked, and in every case replayed. A trace that does
  /// not replay means the system is not deterministic; that is reported as its own violation
  /// rather than shown as a counterexample that cannot be reproduced.
  func finalize(_ found: Counterexample, shrink: Bool) -> Counterexample {
    if found.trace.loopStart != nil {
      // A lasso's loop is already built from shortest paths; only its prefix is reordered.
      if (try? Replayer(system: system).validate(found.trace)) != nil {
        guard shrink else { return found }
        var reordered = found
        reordered.trace = reorderPrefix(of: found.trace)
        return reordered
      }
      let violation = Violation(
        kind: "nondeterminism",
        message: "the lasso of '\(found.violation)' does not replay: the model is not deterministic")
      return Counterexample(
        violation: violation, trace: Trace(steps: found.trace.steps, violation: violation))
    }
    let steps = shrink ? self.shrink(found.trace.steps, for: found.violation) : found.trace.steps
    guard reproduce(found.violation, steps) != nil else {
      let violation = Violation(
        kind: "nondeterminism",
        message: "the trace of '\(found.violation)' does not replay: the model is not deterministic")
      return Counterexample(
        violation: violation, trace: Trace(steps: found.trace.steps, violation: violation))
    }
    var trace = found.trace
    trace.steps = steps
    return Counterexample(violation: found.violation, trace: trace)
  }
}
