// Guarded selection (`select`): which alternative a choice takes.
extension Machine {
  /// The alternative choice `choice` of a `select` takes: the first enabled one from `choice` on,
  /// wrapping around; nil when none is enabled (the step is blocked). A `when` is enabled when
  /// its guard holds, the `else` (index `count`) when no guard does.
  ///
  /// Why every alternative is a choice, enabled or not: the engine's contract lets a step's
  /// footprint, and so the choices it is reasoned about with, depend only on its thread. Were
  /// they the enabled alternatives alone, DPOR, reversing a race of the select with a step that
  /// changes a guard, could plant a choice that does not exist in the reversed order, and it
  /// drops such a branch (`OptimalDPOR.takeChild`). (That variant passed SelectDifferentialTests
  /// too, but no argument shows another branch always covers the dropped one.) Choices of a
  /// disabled alternative repeat an enabled one: more steps, never more states.
  func selectAlternative(
    _ ts: ThreadState, guards: Int32, count: Int32, hasElse: Bool, choice: Int
  ) -> Int? {
    let n = Int(count)
    let total = n + (hasElse ? 1 : 0)
    var anyGuard = false
    for i in 0..<n where ts.slots[Int(ts.base + guards) + i].isTrue {
      anyGuard = true
      break
    }
    guard total > 0 else { return nil }
    for k in 0..<total {
      let a = (choice + k) % total
      if a < n ? ts.slots[Int(ts.base + guards) + a].isTrue : !anyGuard { return a }
    }
    return nil
  }
}
