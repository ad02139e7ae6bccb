/// Live-variable analysis of the compiled code: which frame slots a thread parked at a pc may
/// still read, so that the others can be zeroed before the state is stored and hashed.
///
/// Every frame slot (locals, temporaries, call arguments) is part of a thread's state. A slot
/// that every path overwrites before reading it cannot change what the thread does, yet without
/// this, two paths that rejoin inside a function (the branches of an `if` that leave different
/// temporaries behind) reach two states that differ only in dead slots. Zeroing the dead slots
/// at each scheduling point makes such states equal: fewer states for the stateful search, the
/// same behaviours for every strategy (the zeroed values are never read).
///
/// The analysis is the textbook backward data flow (Aho, Sethi and Ullman, §10.6) over the
/// instructions, per frame: a call reads its arguments and writes its result slot, a builtin
/// reads its arguments and writes `dst` (its `out` slot only when the builtin says so, so it
/// does not kill), and `ret` ends the frame. Caller frames are parked at their return pc with
/// the result slot about to be written.
struct LiveSlots: Sendable {
  /// For each pc, the frame slots not live there (relative to the frame base): `deadSlots` from
  /// `deadStart[pc]` to `deadStart[pc + 1]`. Flat, so that zeroing retains no inner array.
  let deadSlots: [Int32]
  let deadStart: [Int32]
  /// For each pc that follows a call, the caller frame's slots not live while the callee runs:
  /// those dead at the return pc, and the call's result slot, which the return writes; the same
  /// layout.
  let resumeSlots: [Int32]
  let resumeStart: [Int32]

  init(program: Program) {
    let ops = program.ops
    let count = ops.count
    let width = program.functions.map { Int($0.slotCount) }.max() ?? 0
    let words = max((width + 63) / 64, 1)
    var live = [UInt64](repeating: 0, count: count * words)
    // Uses and definitions of each op.
    var uses = [[Int32]](repeating: [], count: count)
    var kills = [Int32](repeating: -1, count: count)
    var successors = [[Int32]](repeating: [], count: count)
    for pc in 0..<count {
      let next = Int32(pc + 1) < Int32(count) ? [Int32(pc + 1)] : []
      successors[pc] = next
      switch ops[pc] {
      case .constant(let dst, _): kills[pc] = dst
      case .move(let dst, let src):
        uses[pc] = [src]
        kills[pc] = dst
      case .unary(_, let dst, let src):
        uses[pc] = [src]
        kills[pc] = dst
      case .binary(_, let dst, let a, let b):
        uses[pc] = [a, b]
        kills[pc] = dst
      case .jump(let target): successors[pc] = [target]
      case .branchFalse(let condition, let target), .branchTrue(let condition, let target):
        uses[pc] = [condition]
        successors[pc] = next + [target]
      case .element(let dst, _, _, let index):
        uses[pc] = [index]
        kills[pc] = dst
      case .call(_, let argumentBase, let argumentCount, let dst):
        uses[pc] = (0..<argumentCount).map { argumentBase + $0 }
        kills[pc] = dst
      case .ret(let src):
        uses[pc] = src >= 0 ? [src] : []
        successors[pc] = []
      case .loopCheck(let counter, _, _): uses[pc] = [counter]
      case .check(_, let condition), .awaitEnd(let condition): uses[pc] = [condition]
      case .local(_, let argumentBase, let argumentCount, let dst, let out),
        .visible(_, let argumentBase, let argumentCount, let dst, let out):
        uses[pc] = (0..<argumentCount).map { argumentBase + $0 } + (out >= 0 ? [out] : [])
        kills[pc] = dst
      case .selectEnd(let guards, let count, let chosen, _):
        uses[pc] = (0..<count).map { guards + $0 }
        kills[pc] = chosen
      case .atomicBegin, .atomicEnd, .awaitBegin: break
      }
    }
    // Backward to a fixed point: live-in = uses ∪ (∪ live-in of successors ∖ kill).
    var changed = true
    var scratch = [UInt64](repeating: 0, count: words)
    while changed {
      changed = false
      for pc in stride(from: count - 1, through: 0, by: -1) {
        for w in 0..<words { scratch[w] = 0 }
        for s in successors[pc] where s >= 0 && Int(s) < count {
          for w in 0..<words { scratch[w] |= live[Int(s) * words + w] }
        }
        let kill = kills[pc]
        if kill >= 0, Int(kill) < width { scratch[Int(kill) / 64] &= ~(1 << UInt64(kill % 64)) }
        for use in uses[pc] where use >= 0 && Int(use) < width {
          scratch[Int(use) / 64] |= 1 << UInt64(use % 64)
        }
        for w in 0..<words where live[pc * words + w] != scratch[w] {
          live[pc * words + w] = scratch[w]
          changed = true
        }
      }
    }
    func isLive(_ pc: Int, _ slot: Int) -> Bool {
      live[pc * words + slot / 64] & (1 << UInt64(slot % 64)) != 0
    }
    var deadAt = [[Int32]](repeating: [], count: count)
    var deadOnResume = [[Int32]](repeating: [], count: count)
    for pc in 0..<count {
      let function = Int(program.sites[pc].function)
      guard program.functions.indices.contains(function) else { continue }
      let slots = Int(program.functions[function].slotCount)
      deadAt[pc] = (0..<slots).filter { !isLive(pc, $0) }.map(Int32.init)
      if pc > 0, case .call(_, _, _, let dst) = ops[pc - 1] {
        deadOnResume[pc] = (0..<slots).filter { !isLive(pc, $0) || $0 == Int(dst) }
          .map(Int32.init)
      }
    }
    func flatten(_ lists: [[Int32]]) -> ([Int32], [Int32]) {
      var starts: [Int32] = [0]
      for list in lists { starts.append(starts.last! + Int32(list.count)) }
      return (lists.flatMap { $0 }, starts)
    }
    (deadSlots, deadStart) = flatten(deadAt)
    (resumeSlots, resumeStart) = flatten(deadOnResume)
  }

  /// Zeroes the dead slots of every frame of a parked thread.
  func zeroDead(_ ts: inout ThreadState) {
    let count = deadStart.count - 1
    guard ts.pc >= 0, Int(ts.pc) < count else { return }
    deadSlots.withUnsafeBufferPointer { deadSlots in
      resumeSlots.withUnsafeBufferPointer { resumeSlots in
        var base = Int(ts.base)
        var top = ts.slots.count
        let pc = Int(ts.pc)
        // A caller's frame below every write since the thread was stored was zeroed then, for
        // the same return pc: it is still (see ThreadState.dirtyFrom).
        let dirtyFrom = Int(ts.dirtyFrom)
        ts.zero(deadSlots, Int(deadStart[pc])..<Int(deadStart[pc + 1]), base: base, top: top)
        for _ in 0..<Int(ts.depth) {
          let caller = ts.caller(of: base)
          top = base - Int(ThreadState.recordSize)
          if top <= dirtyFrom { break }
          base = caller.base
          let at = Int(caller.returnPc)
          guard at >= 0, at < count else { continue }
          ts.zero(
            resumeSlots, Int(resumeStart[at])..<Int(resumeStart[at + 1]), base: base, top: top)
        }
      }
    }
  }
}
