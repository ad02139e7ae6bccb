import Explorer

/// Checks, state by state, that a `TransitionSystem` keeps the contract the engine relies on.
///
/// DPOR is only as sound as the footprints it is given, so this walks every reachable state (up
/// to a limit) and checks, for every thread and every pair of threads:
///
/// - **Determinism**: `status` and `execute` give the same answer twice.
/// - **Thread-local footprints**: a step of another thread never changes a thread's next
///   footprint or finishes it; it may only enable or block it, and only when the two steps
///   conflict.
/// - **Commutation**: two enabled steps of different threads whose footprints do not conflict
///   give the same state, and each the same violation, in either order, for every pair of choices.
public enum ContractChecker {
  /// One breach of the contract, with a schedule that reaches the state where it shows.
  public struct Breach: Sendable, CustomStringConvertible {
    public var trace: Trace
    public var message: String
    public var description: String { "after [\(trace)]: \(message)" }
  }

  /// The breaches found in the first `maxStates` reachable states (at most `maxBreaches`).
  public static func check<System: TransitionSystem>(
    _ system: System, maxStates: Int = 20_000, maxBreaches: Int = 10
  ) -> [Breach] {
    var breaches: [Breach] = []
    var seen: Set<System.State> = [system.initialState]
    var stack: [(System.State, [Trace.Step])] = [(system.initialState, [])]
    func breach(_ steps: [Trace.Step], _ message: String) {
      if breaches.count < maxBreaches {
        breaches.append(Breach(trace: Trace(steps: steps), message: message))
      }
    }
    func run(_ state: System.State, _ thread: Int, _ choice: Int) -> (System.State, Violation?) {
      var next = state
      let violation = system.execute(thread: thread, choice: choice, in: &next)
      return (next, violation)
    }
    func footprint(_ status: StepStatus) -> Footprint? {
      switch status {
      case .finished: return nil
      case .blocked(let f): return f
      case .enabled(let f, _): return f
      }
    }
    func isEnabled(_ status: StepStatus) -> Bool {
      if case .enabled = status { return true }
      return false
    }

    while let (state, steps) = stack.popLast(), breaches.count < maxBreaches {
      let statuses = (0..<system.threadCount).map { system.status(of: $0, in: state) }
      for t in 0..<system.threadCount where system.status(of: t, in: state) != statuses[t] {
        breach(steps, "status of t\(t) is not deterministic")
      }
      for t in 0..<system.threadCount {
        guard case .enabled(let ft, let choices) = statuses[t] else { continue }
        for c in 0..<choices {
          let (next, violation) = run(state, t, c)
          let (again, violationAgain) = run(state, t, c)
          if next != again || violation != violationAgain {
            breach(steps, "step \(t)/\(c) is not deterministic")
          }
          let here = steps + [Trace.Step(thread: t, choice: c)]
          // What t's step does to every other thread's next step.
          for u in 0..<system.threadCount where u != t {
            let before = statuses[u]
            let after = system.status(of: u, in: next)
            guard let fu = footprint(before) else {
              if footprint(after) != nil { breach(here, "t\(t) revived finished t\(u)") }
              continue
            }
            guard let fuAfter = footprint(after) else {
              breach(here, "t\(t) finished t\(u)")
              continue
            }
            if fuAfter != fu {
              breach(
                here,
                "t\(t)'s step changed t\(u)'s footprint: \(describe(fu)) before, \(describe(fuAfter)) after"
              )
            }
            if isEnabled(before) != isEnabled(after), !ft.conflicts(with: fu) {
              breach(here, "t\(t)'s step enabled or blocked t\(u) without a conflict")
            }
            // Commutation with every independent enabled step of u.
            guard case .enabled(_, let choicesU) = before, u > t, !ft.conflicts(with: fu) else {
              continue
            }
            for d in 0..<choicesU {
              guard case .enabled(_, let k) = after, d < k else {
                breach(here, "t\(u)/\(d) is no longer possible after independent t\(t)")
                continue
              }
              let (tu, vu) = run(next, u, d)
              let (afterU, vuFirst) = run(state, u, d)
              guard case .enabled(_, let kt) = system.status(of: t, in: afterU), c < kt else {
                breach(
                  steps + [Trace.Step(thread: u, choice: d)],
                  "t\(t)/\(c) is no longer possible after independent t\(u)")
                continue
              }
              let (ut, vt) = run(afterU, t, c)
              if tu != ut {
                breach(steps, "t\(t)/\(c) and t\(u)/\(d) do not conflict but do not commute")
              }
              if vt != violation || vu != vuFirst {
                breach(
                  steps, "t\(t)/\(c) and t\(u)/\(d) raise different violations in different orders")
              }
            }
          }
          if seen.count < maxStates, seen.insert(next).inserted { stack.append((next, here)) }
        }
      }
    }
    return breaches
  }

  private static func describe(_ footprint: Footprint) -> String {
    "{" + footprint.objects.map { "\($0.object)\($0.exclusive ? "!" : "")" }.joined(separator: " ")
      + "}"
  }
}
