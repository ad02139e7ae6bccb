import Foundation
import Explorer

/// A cache of executed steps: the same step from the same inputs is not interpreted again.
///
/// A step of thread `t` with choice `c` is a function of `t`'s own state and of the shared
/// cells, nothing else (the machine is fixed; the plain-race check's clocks are an input too,
/// so a system that tracks them has no memo). Searches run the same step from the same inputs
/// over and over: a thread's step does not care what the other threads' local states are, and
/// DPOR re-runs a step in every execution that reorders only other threads. On the large
/// workload 94% of the steps repeat an earlier one (75% find it in this table), on a DPOR
/// scenario 99.7%, and an atomic region interprets dozens of instructions per step.
///
/// An entry is used when the thread's and the cells' hash lanes and the thread's header are
/// those the step started from: the slots and cells are trusted to their 128 bits each, as the
/// stateful search trusts its fingerprints (made of the same lanes). Comparing every slot and
/// cell at every hit cost more than the rest of the lookup. Direct-mapped and fixed in size, so
/// memory stays bounded: an entry holds two arrays, mostly shared with states.
///
/// One thread at a time: a system is `Sendable` and may be copied to another thread, so the
/// table is used only by the thread that holds its lock; another thread finding it taken runs
/// the step without it (`replica` gives each thread of a parallel run a table of its own).
final class StepMemo: @unchecked Sendable {
  /// What selects an entry and must match: plain words, compared without touching the arrays.
  struct Key: Equatable {
    var threadA: UInt64
    var threadB: UInt64
    var cellsA: UInt64
    var cellsB: UInt64
    /// The thread and the choice, and a bit that marks the slot used.
    var step: UInt64
    /// The thread's pc and base, and its fault, slot count and depth (`ThreadState`).
    var position: UInt64
    var shape: UInt64

    static let unused = Key(
      threadA: 0, threadB: 0, cellsA: 0, cellsB: 0, step: 0, position: 0, shape: 0)
  }

  struct Entry {
    var after: ScenarioSystem.HashedThread
    var cellsAfter: SharedCells
    var violation: Violation?
  }

  /// The slots, a power of two; tests use one or two, so that every entry is replaced and
  /// compared. The default keeps the large workload within 64 bytes per state: twice as many
  /// slots saved 2.6% of its instructions and cost 5 bytes per state (the entries hold arrays).
  let capacity: Int

  init(capacity: Int = 1 << 12) {
    precondition(capacity > 0 && capacity & (capacity - 1) == 0)
    self.capacity = capacity
  }

  private var keys: UnsafeMutablePointer<Key>? = nil
  private var entries: UnsafeMutablePointer<Entry?>? = nil
  private let lock = NSLock()
  private var hits = 0
  private var misses = 0

  /// The steps taken from the table and those run, so far.
  var counts: (hits: Int, misses: Int) {
    lock.lock()
    defer { lock.unlock() }
    return (hits, misses)
  }

  deinit {
    guard let keys, let entries else { return }
    keys.deallocate()
    entries.deinitialize(count: capacity)
    entries.deallocate()
  }

  /// Runs the step of `thread` with `choice` on `state` by `run`, or takes it from the table.
  @inline(__always)
  func step(
    thread: Int, choice: Int, in state: inout ScenarioSystem.State,
    run: (inout ScenarioSystem.State) -> Violation?
  ) -> Violation? {
    guard lock.try() else { return run(&state) }
    defer { lock.unlock() }
    if keys == nil { allocate() }
    let (keys, entries) = (self.keys!, self.entries!)
    let key = state.threads.withUnsafeBufferPointer { threads in
      let ts = threads[thread].thread
      return Key(
        threadA: threads[thread].laneA, threadB: threads[thread].laneB,
        cellsA: state.cells.laneA, cellsB: state.cells.laneB,
        step: 1 << 63 | UInt64(thread) << 32 | UInt64(choice),
        position: UInt64(UInt32(bitPattern: ts.pc)) | UInt64(UInt32(bitPattern: ts.base)) << 32,
        shape: UInt64(ts.fault.rawValue) | UInt64(ts.slots.count) << 8
          | UInt64(UInt32(bitPattern: ts.depth)) << 40)
    }
    let slot = slot(key)
    if keys[slot] == key {
      hits += 1
      state.threads[thread] = entries[slot]!.after
      state.cells = entries[slot]!.cellsAfter
      return entries[slot]!.violation
    }
    misses += 1
    let violation = run(&state)
    keys[slot] = key
    entries[slot] = Entry(
      after: state.threads[thread], cellsAfter: state.cells, violation: violation)
    return violation
  }

  /// The table, allocated at the first step: a system is built for every scenario, and most
  /// are checked in a few hundred steps.
  private func allocate() {
    keys = .allocate(capacity: capacity)
    keys!.initialize(repeating: .unused, count: capacity)
    entries = .allocate(capacity: capacity)
    entries!.initialize(repeating: nil, count: capacity)
  }

  @inline(__always)
  private func slot(_ key: Key) -> Int {
    let h = SharedCells.murmur(key.threadA ^ key.cellsA &* 0x9E37_79B9_7F4A_7C15 ^ key.step)
    return Int(h & UInt64(capacity - 1))
  }
}
