/// One thread's private state: where it is parked, and its frames in one flat run of slots.
///
/// Each caller's frame is followed by a two-value record (its return pc and base, then the
/// callee's result slot), then by the callee's frame: a call allocates nothing but the run's
/// growth.
///
/// The slots live in `storage` from `offset` on. During a step, `storage` is the state's whole
/// `ThreadTable` array, borrowed for the step (`ThreadTable.take`): the thread's frames are
/// written in place, and a push or pop moves the later threads' slots. Outside a step (a trace,
/// the `init` block) a thread may own a storage of its own, at offset 0.
///
/// The state's hash of the slots is kept by `ThreadTable`, which updates it from the slots a step
/// changed: `dirtyFrom`, the lowest slot written since the thread was taken, bounds them (a step
/// writes its top frames, not the callers below).
struct ThreadState: Hashable, Sendable {
  /// The instruction the thread is parked at; `-1` when it returned, `-2` when it was stopped
  /// by a failed `assert`, `BUG_ON`, a loop bound or a runtime error.
  var pc: Int32
  /// The start of the current frame in the thread's slots.
  var base: Int32
  var fault: Fault
  /// The number of callers' frames below the current one.
  private(set) var depth: Int32 = 0
  /// The offending value of a fault (an index), for its message.
  var faultDetail: Int64
  /// The array the slots live in, from `offset` on. Written through the subscript only.
  private(set) var storage: [Value]
  private(set) var offset: Int
  /// The number of slots: the frames and their records, outermost first.
  private(set) var slotCount: Int
  /// No slot below it was written, nor did a frame below it become or stop being a caller,
  /// since `markClean`. Bookkeeping, not state: equality and hashing ignore it.
  private(set) var dirtyFrom: Int32 = 0

  /// A caller's frame, as traces and coverage read it.
  struct Frame: Hashable, Sendable {
    var returnPc: Int32
    var base: Int32
    var dst: Int32
  }

  /// The values of a frame record: the slots just below a callee's base.
  static let recordSize: Int32 = 2

  init(pc: Int32, fault: Fault = .none, faultDetail: Int64 = 0, slots: [Value]) {
    self.pc = pc
    self.base = 0
    self.fault = fault
    self.faultDetail = faultDetail
    self.storage = slots
    self.offset = 0
    self.slotCount = slots.count
  }

  /// A thread whose slots are `storage[offset..<offset + slotCount]` (see `ThreadTable`).
  init(
    pc: Int32, base: Int32, fault: Fault, depth: Int32, faultDetail: Int64, storage: [Value],
    offset: Int, slotCount: Int
  ) {
    self.pc = pc
    self.base = base
    self.fault = fault
    self.depth = depth
    self.faultDetail = faultDetail
    self.storage = storage
    self.offset = offset
    self.slotCount = slotCount
    self.dirtyFrom = .max
  }

  var isRunning: Bool { pc >= 0 }

  /// The value the thread's function returned (zero unless it returned).
  var result: Value { pc == -1 && slotCount > 0 ? self[0] : .zero }

  /// The thread's slots, as an array of their own.
  var slots: [Value] { Array(storage[offset..<offset + slotCount]) }

  /// The same thread with a storage of its own, holding only its slots: a copy to run ahead
  /// on, that copies this thread's slots on its first write and not every thread's.
  var detached: ThreadState {
    var copy = self
    copy.storage = slots
    copy.offset = 0
    return copy
  }

  /// Slot `i` of the thread (absolute, not frame-relative).
  subscript(_ i: Int) -> Value {
    @inline(__always) get {
      assert(i < slotCount)
      return storage[offset + i]
    }
    @inline(__always) set {
      assert(i < slotCount)
      dirtyFrom = min(dirtyFrom, Int32(truncatingIfNeeded: i))
      storage[offset + i] = newValue
    }
  }

  /// Makes the storage this thread's own, with room for `extra` more values (see
  /// `ThreadTable.take`).
  mutating func reserveStorage(_ extra: Int) {
    storage.reserveCapacity(storage.count + extra)
  }

  /// Hands the storage back (`ThreadTable.put`), leaving the thread without slots.
  mutating func takeStorage() -> [Value] {
    var result: [Value] = []
    swap(&result, &storage)
    return result
  }

  /// The callers' frames, outermost first (for traces and coverage; the interpreter reads the
  /// records directly).
  var frames: [Frame] {
    var result: [Frame] = []
    var b = Int(base)
    for _ in 0..<Int(depth) {
      let caller = caller(of: b)
      result.append(
        Frame(
          returnPc: caller.returnPc, base: Int32(caller.base),
          dst: Int32(truncatingIfNeeded: self[b - 1].bits)))
      b = caller.base
    }
    return result.reversed()
  }

  /// Pushes a frame of `size` zero slots whose first `arguments` are copied from the current
  /// frame at `argumentBase`; the caller resumes at `returnPc` and receives the result in its
  /// slot `dst` (`-1` for none).
  @inline(__always)
  mutating func pushFrame(
    size: Int, argumentBase: Int32, arguments: Int, returnPc: Int32, dst: Int32
  ) {
    let oldBase = Int(base)
    let link = slotCount
    let newBase = link + Int(Self.recordSize)
    let added = size + Int(Self.recordSize)
    storage.insert(contentsOf: repeatElement(.zero, count: added), at: offset + slotCount)
    slotCount += added
    self[link] = .int(Int64(UInt32(bitPattern: returnPc)) | Int64(oldBase) << 32)
    self[link + 1] = .int(Int64(dst < 0 ? -1 : Int32(oldBase) + dst))
    for i in 0..<arguments { self[newBase + i] = self[oldBase + Int(argumentBase) + i] }
    dirtyFrom = min(dirtyFrom, Int32(oldBase))
    base = Int32(newBase)
    depth += 1
  }

  /// Pops the current frame, writes `value` to the caller's result slot and returns the pc the
  /// caller resumes at; nil when this is the thread's outermost frame (nothing is popped).
  @inline(__always)
  mutating func popFrame(returning value: Value) -> Int32? {
    guard depth > 0 else { return nil }
    let link = Int(base) - Int(Self.recordSize)
    let packed = self[link].bits
    let dst = Int(self[link + 1].bits)
    storage.removeSubrange((offset + link)..<(offset + slotCount))
    slotCount = link
    base = Int32(truncatingIfNeeded: packed >> 32)
    depth -= 1
    dirtyFrom = min(dirtyFrom, base)
    if dst >= 0 { self[dst] = value }
    return Int32(truncatingIfNeeded: packed)
  }

  /// Ends the thread: it keeps only `slots` (its result, for `finally`, or nothing), and the
  /// detail of its last fault.
  mutating func finish(pc: Int32, keeping slots: [Value]) {
    storage.replaceSubrange(offset..<(offset + slotCount), with: slots)
    slotCount = slots.count
    self.pc = pc
    base = 0
    fault = .none
    depth = 0
    dirtyFrom = 0
  }

  /// The caller of the frame at `base` (which must not be the outermost): the pc it resumes at
  /// and its base.
  @inline(__always)
  func caller(of base: Int) -> (returnPc: Int32, base: Int) {
    let link = self[base - Int(Self.recordSize)].bits
    return (Int32(truncatingIfNeeded: link), Int(Int32(truncatingIfNeeded: link >> 32)))
  }

  /// Calls `body` with the thread's slots borrowed for writing (see `Machine.runFrameLocal`);
  /// `body` writes only the current frame.
  @inline(__always)
  mutating func withSlots<R>(_ body: (UnsafeMutableBufferPointer<Value>) -> R) -> R {
    dirtyFrom = min(dirtyFrom, base)
    let range = offset..<(offset + slotCount)
    return storage.withUnsafeMutableBufferPointer {
      body(UnsafeMutableBufferPointer(rebasing: $0[range]))
    }
  }

  /// Marks every slot clean (the thread was stored with its hash).
  mutating func markClean() { dirtyFrom = .max }

  /// Zeroes the slots at `base + offsets[k]` below `top`, for `k` in `range` (see LiveSlots).
  @inline(__always)
  mutating func zero(
    _ offsets: UnsafeBufferPointer<Int32>, _ range: Range<Int>, base: Int, top: Int
  ) {
    let start = offset
    // Looks first: most dead slots are zero already, and a write would copy shared slots.
    let needed = storage.withUnsafeBufferPointer { slots in
      range.contains { k in
        let i = base + Int(offsets[k])
        return i < top && slots[start + i] != .zero
      }
    }
    guard needed else { return }
    dirtyFrom = min(dirtyFrom, Int32(base))
    storage.withUnsafeMutableBufferPointer { slots in
      for k in range {
        let i = base + Int(offsets[k])
        if i < top { slots[start + i] = .zero }
      }
    }
  }

  /// Whether the slots equal `other`'s, wherever either keeps them.
  func slotsEqual(_ other: ThreadState) -> Bool {
    slotCount == other.slotCount
      && storage.withUnsafeBufferPointer { a in
        other.storage.withUnsafeBufferPointer { b in
          (0..<slotCount).allSatisfy { a[offset + $0] == b[other.offset + $0] }
        }
      }
  }

  static func == (lhs: ThreadState, rhs: ThreadState) -> Bool {
    lhs.pc == rhs.pc && lhs.base == rhs.base && lhs.fault == rhs.fault && lhs.depth == rhs.depth
      && lhs.faultDetail == rhs.faultDetail && lhs.slotsEqual(rhs)
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(pc)
    hasher.combine(base)
    hasher.combine(fault)
    hasher.combine(depth)
    hasher.combine(faultDetail)
    for i in 0..<slotCount { hasher.combine(self[i]) }
  }
}
