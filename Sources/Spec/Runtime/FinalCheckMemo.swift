import Explorer
import Foundation

/// A cache of final checks: the verdict of `checkFinal` on a state already checked.
///
/// A final state does not depend on the interleaving that reached it, so DPOR ends thousands of
/// executions in a few final states, and each end ran the scenario's `finally` block and the
/// spec's final invariants in the interpreter (a tenth of a DPOR run on the model). The check
/// is a function of the state alone; an entry is used only when the state equals the one it
/// was computed for (exact equality, after the hash lanes). Direct-mapped, fixed in size, and
/// used by one thread at a time (see `StepMemo`).
final class FinalCheckMemo: @unchecked Sendable {
  struct Entry {
    var state: ScenarioSystem.State
    var violation: Violation?
  }

  /// The slots, a power of two (tests use one, so that every entry is replaced and compared).
  let capacity: Int

  init(capacity: Int = 1 << 10) {
    precondition(capacity > 0 && capacity & (capacity - 1) == 0)
    self.capacity = capacity
  }

  private var entries: UnsafeMutablePointer<Entry?>? = nil
  private let lock = NSLock()

  deinit {
    guard let entries else { return }
    entries.deinitialize(count: capacity)
    entries.deallocate()
  }

  /// The verdict stored for `state`: `nil` when there is none, `.some(nil)` for a pass. (No
  /// closure to run the check: capturing the system copied it at every execution's end.)
  func verdict(of state: ScenarioSystem.State) -> Violation?? {
    guard lock.try() else { return nil }
    defer { lock.unlock() }
    guard let table = entries, let entry = table[slot(state)], entry.state == state else {
      return nil
    }
    return .some(entry.violation)
  }

  /// Stores the verdict of `state`.
  func store(_ violation: Violation?, of state: ScenarioSystem.State) {
    guard lock.try() else { return }
    defer { lock.unlock() }
    if entries == nil {
      entries = .allocate(capacity: capacity)
      entries!.initialize(repeating: nil, count: capacity)
    }
    entries![slot(state)] = Entry(state: state, violation: violation)
  }

  private func slot(_ state: ScenarioSystem.State) -> Int { state.hashValue & (capacity - 1) }
}
