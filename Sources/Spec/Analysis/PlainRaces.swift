import Explorer

/// The `race` check for plain accesses (DESIGN.md §4): two accesses to one shared cell by
/// different threads, not ordered by happens-before, where at least one writes and at least one
/// is plain (an unmarked load or store outside an `atomic` or `await` region).
///
/// Happens-before is program order, lock release to acquire (an rwlock's readers release into
/// its writers only), RCU read-side sections into `synchronize_rcu`, and reads-from of every
/// marked or atomic access (a marked store, an atomic read-modify-write, a region). Marked
/// accesses that race only with each other are the protocol's lockless accesses (the frozen-SPTE
/// ownership of invariant 3 judges those); the model explores sequentially consistent
/// interleavings, so reads-from is generous and never invents a race that weaker ordering hides.
///
/// Instead of full vector clocks, which would tick on every step and make every state of the
/// stateful search distinct, the state holds clocks restricted to the accesses a race can involve:
/// for each *tracked* cell (one that some thread may access plainly, found statically) and each
/// thread, its last read, last plain read, last write and last plain write. A later access of
/// the same kind by the same thread replaces the record (FastTrack's argument: program order
/// makes the old one redundant). Each thread, and each lock or location as a release point, holds
/// the set of records that happen before it, as a bit set. A spec without plain accesses in its
/// threads tracks nothing, adds no state and pays one branch per step.
struct PlainRaces: Sendable {
  /// The tracked cells, and each cell's index among them (-1 if untracked).
  let tracked: [Int]
  let trackIndex: [Int32]
  let threadCount: Int
  let cellCount: Int
  /// Words per record set.
  let words: Int
  /// Names for messages.
  let cellNames: [String]

  var isEnabled: Bool { !tracked.isEmpty }

  /// The record kinds kept per tracked cell and thread.
  enum Kind: Int, CaseIterable {
    case read = 0
    case plainRead, write, plainWrite
    var text: String {
      switch self {
      case .read: return "read"
      case .plainRead: return "plain read"
      case .write: return "write"
      case .plainWrite: return "plain write"
      }
    }
  }

  /// The happens-before part of the state: which records exist and who knows of them, in one
  /// array (a state is copied at every step, and a step that writes several parts then copies
  /// one array, not three).
  struct State: Hashable, Sendable {
    /// The records that exist (`words`), then per thread the records that happen before its
    /// next step (`words` each), then per cell two sets: released by writers (a store, an
    /// unlock) and by readers (`read_unlock`, `rcu_read_unlock`, which only exclusive acquirers
    /// take).
    var words: [UInt64]
    /// The three parts' sizes, the word the state's hash mixes first.
    let sizes: UInt64

    static let empty = State(words: [], sizes: 0)
  }

  init(program: Program, threads: [Int32], cellNames: [String]) {
    let cells =
      program.checksPlainRaces ? Self.plainlyAccessedCells(program: program, threads: threads) : []
    self.tracked = cells
    var index = [Int32](repeating: -1, count: program.cells.count)
    for (k, cell) in cells.enumerated() { index[cell] = Int32(k) }
    self.trackIndex = index
    self.threadCount = threads.count
    self.cellCount = program.cells.count
    self.words = (cells.count * threads.count * Kind.allCases.count + 63) / 64
    self.cellNames = cellNames
  }

  var initialState: State {
    guard isEnabled else { return .empty }
    let present = words
    let threads = words * threadCount
    let objects = words * cellCount * 2
    return State(
      words: [UInt64](repeating: 0, count: present + threads + objects),
      sizes: UInt64(present) | UInt64(threads) << 21 | UInt64(objects) << 42)
  }

  // MARK: Which cells are tracked

  /// The cells that a plain load or store may touch when it runs as a step of its own: one in a
  /// function that threads call outside any region, itself outside a region. The pointer is
  /// traced back through moves to a constant (a scalar) or an element computation (a whole
  /// array); a pointer from elsewhere (a parameter) may name any value cell.
  static func plainlyAccessedCells(program: Program, threads: [Int32]) -> [Int] {
    let ops = program.ops
    var inRegion = [Bool](repeating: false, count: ops.count)
    for (pc, op) in ops.enumerated() {
      switch op {
      case .atomicBegin(let end), .awaitBegin(let end):
        for q in (pc + 1)..<max(pc + 1, Int(end)) { inRegion[q] = true }
      default: break
      }
    }
    // The ops of each function, by the site table.
    var opsOf = [[Int]](repeating: [], count: program.functions.count)
    for pc in ops.indices {
      let f = Int(program.sites[pc].function)
      if f >= 0 && f < opsOf.count { opsOf[f].append(pc) }
    }
    var outside = Set<Int>()
    var work = threads.map(Int.init)
    while let f = work.popLast() {
      guard f >= 0, f < opsOf.count, outside.insert(f).inserted else { continue }
      for pc in opsOf[f] where !inRegion[pc] {
        if case .call(let g, _, _, _) = ops[pc] { work.append(Int(g)) }
      }
    }
    var cells = Set<Int>()
    for f in outside {
      for pc in opsOf[f] where !inRegion[pc] {
        guard case .visible(let b, let argumentBase, _, _, _) = ops[pc],
          program.builtins[Int(b)].access == .plain
        else { continue }
        if let range = pointerOrigin(program: program, slot: argumentBase, before: pc) {
          cells.formUnion(range)
        } else {
          for (cell, info) in program.cells.enumerated() where info.kind == .value {
            cells.insert(cell)
          }
        }
      }
    }
    return cells.sorted()
  }

  /// The cells the pointer in `slot` may name at `pc`, traced back in straight-line code of the
  /// same function; nil when unknown.
  private static func pointerOrigin(program: Program, slot: Int32, before pc: Int) -> Range<Int>? {
    let function = program.sites[pc].function
    var slot = slot
    var q = pc - 1
    while q >= 0, program.sites[q].function == function {
      switch program.ops[q] {
      case .constant(let dst, let value) where dst == slot:
        guard value.tag == .pointer, value.bits >= 0, value.bits < Int64(program.cells.count)
        else { return nil }
        return Int(value.bits)..<Int(value.bits) + 1
      case .element(let dst, let base, let length, _) where dst == slot:
        return Int(base)..<Int(base + length)
      case .move(let dst, let src) where dst == slot:
        slot = src
      case .jump, .branchFalse, .branchTrue, .ret:
        return nil
      case .unary(_, let dst, _) where dst == slot: return nil
      case .binary(_, let dst, _, _) where dst == slot: return nil
      case .call(_, _, _, let dst) where dst == slot: return nil
      case .visible(_, _, _, let dst, let out) where dst == slot || out == slot: return nil
      case .local(_, _, _, let dst, let out) where dst == slot || out == slot: return nil
      default: break
      }
      q -= 1
    }
    return nil
  }

  // MARK: Bit sets

  @inline(__always) private func record(_ k: Int, _ thread: Int, _ kind: Kind) -> Int {
    (k * threadCount + thread) * Kind.allCases.count + kind.rawValue
  }

  @inline(__always) private func has(_ s: State, _ offset: Int, _ bit: Int) -> Bool {
    s.words[offset + bit >> 6] & (1 << UInt64(bit & 63)) != 0
  }

  /// Adds the set at `from` to the set at `into`; writes (and so copies the shared words) only
  /// when that adds a record.
  private func join(_ s: inout State, into: Int, from: Int) {
    let words = self.words
    let adds = s.words.withUnsafeBufferPointer { set in
      (0..<words).contains { w in set[from + w] & ~set[into + w] != 0 }
    }
    guard adds else { return }
    s.words.withUnsafeMutableBufferPointer { set in
      for w in 0..<words { set[into + w] |= set[from + w] }
    }
  }

  private func threadAt(_ t: Int) -> Int { (1 + t) * words }
  private func writersAt(_ cell: Int) -> Int { (1 + threadCount + cell * 2) * words }
  private func readersAt(_ cell: Int) -> Int { (1 + threadCount + cell * 2 + 1) * words }

  // MARK: Synchronisation

  /// Takes what the cell's writers released (and its readers', for an exclusive acquirer).
  func acquire(_ cell: Int, exclusive: Bool, thread t: Int, _ s: inout State) {
    join(&s, into: threadAt(t), from: writersAt(cell))
    if exclusive { join(&s, into: threadAt(t), from: readersAt(cell)) }
  }

  /// A store, an unlock or a read-modify-write: what the thread knows flows to later readers.
  func release(_ cell: Int, thread t: Int, _ s: inout State) {
    join(&s, into: writersAt(cell), from: threadAt(t))
  }

  /// `read_unlock` and `rcu_read_unlock`: flows only to exclusive acquirers.
  func releaseShared(_ cell: Int, thread t: Int, _ s: inout State) {
    join(&s, into: readersAt(cell), from: threadAt(t))
  }

  // MARK: Accesses

  /// Checks an access of a cell against the other threads' records, then records it.
  func access(
    _ cell: Int, write: Bool, plain: Bool, thread t: Int, threadNames: [String], _ s: inout State
  ) -> String? {
    let k = Int(trackIndex[cell])
    guard k >= 0 else { return nil }
    // A plain access races with any conflicting access; a marked one only with plain ones.
    // (A plain record is also the last of its kind, so it is tried first to name it exactly.)
    let against: [Kind] =
      plain
      ? (write ? [.plainWrite, .write, .plainRead, .read] : [.plainWrite, .write])
      : (write ? [.plainWrite, .plainRead] : [.plainWrite])
    var race: String? = nil
    search: for u in 0..<threadCount where u != t {
      for kind in against {
        let r = record(k, u, kind)
        if has(s, 0, r) && !has(s, threadAt(t), r) {
          let name = u < threadNames.count ? threadNames[u] : "t\(u)"
          race =
            "\(plain ? "plain " : "")\(write ? "write" : "read") of \(cellNames[cell]) races with "
            + "\(name)'s \(kind.text) of it (not ordered by happens-before)"
          break search
        }
      }
    }
    let kinds: [Kind] =
      write
      ? (plain ? [.write, .plainWrite] : [.write])
      : (plain ? [.read, .plainRead] : [.read])
    for kind in kinds { replace(record(k, t, kind), thread: t, &s) }
    return race
  }

  /// Makes `bit` a new record that only the thread knows of.
  private func replace(_ bit: Int, thread t: Int, _ s: inout State) {
    let w = bit >> 6
    let mask: UInt64 = 1 << UInt64(bit & 63)
    let words = self.words
    s.words.withUnsafeMutableBufferPointer { set in
      set[w] |= mask
      // Every thread's and every cell's set forgets it.
      var i = words + w
      while i < set.count {
        set[i] &= ~mask
        i += words
      }
    }
    s.words[threadAt(t) + w] |= mask
  }
}
