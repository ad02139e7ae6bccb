import Explorer

// Traces in the kernel's terms: page-table slots by root, level and GFN, S-EPT entries by level
// and GFN, enum cells and SEAMCALL statuses by their names, call stacks and held locks. Only
// for reports: nothing here runs during a search.
extension ScenarioSystem {
  /// One frame of a thread's call stack, innermost first, as a stack dump prints it.
  public struct StackFrame: Sendable, Hashable {
    public var function: String
    public var kernel: KernelReference?
    public var location: SourceLocation
  }

  /// A constant's value by name, if the program has it.
  func constant(_ name: String) -> Int64? {
    program.constants.first { $0.name == name }?.value.bits
  }

  /// `spt[16]` as `("spt", 16)`; nil for a cell that is not an array element.
  static func element(_ name: String) -> (array: Substring, index: Int)? {
    guard name.hasSuffix("]"), let open = name.firstIndex(of: "["),
      let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
    else { return nil }
    return (name[..<open], index)
  }

  /// `gfn 1`, or `gfn 0-1` for the span of a non-leaf entry.
  static func gfns(_ first: Int64, _ count: Int64) -> String {
    count <= 1 ? "gfn \(first)" : "gfn \(first)-\(first + count - 1)"
  }

  /// A shared cell as the kernel would name it, in `state`: `mirror L1[gfn 1]` for a slot of
  /// a page table (the model keeps every table in `spt`, table `t` at `t * ENTRIES`),
  /// `S-EPT L1[gfn 1]` for an S-EPT entry's state, `sept_pfn[L1 gfn 1]` for its other fields;
  /// the cell's own name otherwise. A child table not linked from a root in either state is
  /// named by the vCPU that allocated it and marked unlinked.
  public func kernelName(ofCell cell: Int, in states: [State]) -> String {
    let name = program.cells[cell].name
    guard let (array, index) = Self.element(name) else { return name }
    if array == "spt", let entries = constant("ENTRIES"), entries > 0,
      let mirror = constant("MIRROR_ROOT"), let direct = constant("DIRECT_ROOT"),
      let levels = constant("PT_LEVELS"), levels == 2
    {
      let table = Int64(index) / entries
      let slot = Int64(index) % entries
      func root(_ t: Int64) -> String? { t == mirror ? "mirror" : t == direct ? "direct" : nil }
      if let root = root(table) {
        return "\(root) L2[\(Self.gfns(slot * entries, entries))]"
      }
      // The root slot that links this table, in the states around the step.
      guard let base = program.cells.firstIndex(where: { $0.name == "spt[0]" }) else { return name }
      let linked = SPTE(kind: .nonLeaf, argument: table).value
      for state in states {
        for r in [mirror, direct] {
          for parent in 0..<entries {
            let at = base + Int(r * entries + parent)
            if at < state.cells.count, state.cells[at] == linked, let root = root(r) {
              return "\(root) L1[\(Self.gfns(parent * entries + slot, 1))]"
            }
          }
        }
      }
      // Not linked: tables are allocated per vCPU, mirror or direct, per root slot (mmu.ept,
      // child_table).
      guard table >= 2 else { return name }
      let owner = (table - 2) / entries
      let rootName = owner % 2 == 1 ? "mirror" : "direct"
      let gfn = ((table - 2) % entries) * entries + slot
      return "\(rootName) L1[gfn \(gfn)] (unlinked sp of vcpu\(owner / 2))"
    }
    if array.hasPrefix("sept_"), let entries = constant("ENTRIES"), entries > 0,
      let count = constant("NR_SEPT"), let gfnCount = constant("NR_GFNS"), count > gfnCount
    {
      let upper = count - gfnCount  // the level-2 entries come first (tdx_module.ept, sept_index)
      let e = Int64(index)
      let entry = e < upper ? "L2[\(Self.gfns(e * entries, entries))]" : "L1[gfn \(e - upper)]"
      if array == "sept_state" { return "S-EPT \(entry)" }
      return "\(array)[\(entry.replacingOccurrences(of: "[", with: " ").dropLast())]"
    }
    return name
  }

  /// `text` with every shared cell it names as an element (`spt[9]`, `sept_state[3]`) in
  /// kernel terms, as `kernelName(ofCell:in:)` names it in `states`: for a violation's message.
  public func inKernelTerms(_ text: String, in states: [State]) -> String {
    var result = ""
    var rest = Substring(text)
    while let match = rest.firstMatch(of: /[A-Za-z_][A-Za-z0-9_]*\[\d+\]/) {
      result += rest[..<match.range.lowerBound]
      let name = String(match.output)
      if let cell = program.cells.firstIndex(where: { $0.name == name }) {
        result += kernelName(ofCell: cell, in: states)
      } else {
        result += name
      }
      rest = rest[match.range.upperBound...]
    }
    return result + rest
  }

  /// The constants an enum-valued cell takes its names from, by the cell's array name.
  static let enumFamilies: [(cell: String, matches: @Sendable (String) -> Bool)] = [
    ("sept_state", { $0.hasPrefix("SEPT_") }),
    ("td_op_state", { $0.hasPrefix("TD_STATE_") }),
    ("memslot_state", { $0.hasPrefix("MEMSLOT_") }),
    ("vcpu_mode", { $0.hasSuffix("_GUEST_MODE") }),
  ]

  /// A cell's value by its kernel or ABI name where the cell holds an enum (`SEPT_PENDING`,
  /// `TD_STATE_RUNNABLE`); otherwise as `describe` prints it.
  func kernelDescription(_ value: Value, ofCell cell: Int) -> String {
    let info = program.cells[cell]
    let array = Self.element(info.name).map { String($0.array) } ?? info.name
    if value.tag == .int, let family = Self.enumFamilies.first(where: { $0.cell == array }),
      let named = program.constants.first(where: {
        family.matches($0.name) && $0.value.tag == .int && $0.value.bits == value.bits
      })
    {
      return named.name
    }
    return describe(value, info)
  }

  /// The shared cells a step changed, in kernel terms: `mirror L1[gfn 1]: NP → FROZEN`,
  /// `S-EPT L1[gfn 1]: SEPT_FREE → SEPT_PENDING`.
  public func kernelChanges(from before: State, to after: State) -> [String] {
    var result: [String] = []
    for cell in program.cells.indices where before.cells[cell] != after.cells[cell] {
      let old = kernelDescription(before.cells[cell], ofCell: cell)
      let new = kernelDescription(after.cells[cell], ofCell: cell)
      result.append("\(kernelName(ofCell: cell, in: [before, after])): \(old) → \(new)")
    }
    return result
  }

  /// The errno constants the library defines, so that `-2` is `-ENOENT` and never `-ENTRIES`.
  static let errnoNames: Set<String> = [
    "EPERM", "ENOENT", "EINTR", "EIO", "EAGAIN", "ENOMEM", "EFAULT", "EBUSY", "EEXIST", "EINVAL",
    "ENOSPC",
  ]

  /// A SEAMCALL's status by its ABI names: `TDX_SUCCESS`, or the status and the operand,
  /// `TDX_OPERAND_BUSY | TDX_OPERAND_ID_SEPT`; a negative errno as `-EBUSY`.
  public func statusName(_ value: Value) -> String {
    guard value.tag == .int else { return value.description }
    if value.bits == 0 { return "TDX_SUCCESS" }
    if value.bits < 0, value.bits > -4096,
      let errno = program.constants.first(where: {
        Self.errnoNames.contains($0.name) && $0.value.tag == .int && $0.value.bits == -value.bits
      })
    {
      return "-" + errno.name
    }
    let bits = UInt64(bitPattern: value.bits)
    let status = bits & 0xFFFF_FFFF_0000_0000
    let operand = bits & 0xFFFF_FFFF
    let named = program.constants.first {
      $0.name.hasPrefix("TDX_") && !$0.name.hasPrefix("TDX_OPERAND_ID_")
        && $0.name != "TDX_SEAMCALL_STATUS_MASK" && $0.value.tag == .int
        && UInt64(bitPattern: $0.value.bits) == status && status != 0
    }
    guard let named else { return "0x" + String(bits, radix: 16, uppercase: true) }
    if operand == 0 { return named.name }
    let id = program.constants.first {
      $0.name.hasPrefix("TDX_OPERAND_ID_") && $0.value.tag == .int
        && UInt64(bitPattern: $0.value.bits) == operand
    }
    return named.name + " | " + (id?.name ?? "0x" + String(operand, radix: 16, uppercase: true))
  }

  /// Where `thread` is in `state`, innermost frame first: the function it is parked in and each
  /// caller at its call site. Empty once the thread has returned.
  public func callStack(of thread: Int, in state: State) -> [StackFrame] {
    let ts = state.threads[thread].thread
    guard ts.pc >= 0, Int(ts.pc) < program.sites.count else { return [] }
    var frames: [StackFrame] = []
    func frame(at pc: Int32) -> StackFrame {
      let site = program.sites[Int(pc)]
      let function =
        program.functions.indices.contains(Int(site.function))
        ? program.functions[Int(site.function)] : nil
      return StackFrame(
        function: function?.name ?? "?", kernel: function?.kernel, location: site.location)
    }
    frames.append(frame(at: ts.pc))
    for caller in ts.frames.reversed() where caller.returnPc >= 1 {
      frames.append(frame(at: caller.returnPc - 1))
    }
    return frames
  }

  /// The locks `thread` holds in `state`, as lockdep lists them: `mmu_lock (read)`,
  /// `slots_lock`, `rcu_read_lock`.
  public func heldLocks(of thread: Int, in state: State) -> [String] {
    var held: [String] = []
    for (cell, info) in program.cells.enumerated() {
      let bits = state.cells[cell].bits
      switch info.kind {
      case .spinlock:
        if bits == Int64(thread) + 1 { held.append(info.name) }
      case .rwlock:
        if thread < 16, QueuedRWLock.isHeldForWrite(bits, by: thread) {
          held.append("\(info.name) (write)")
        } else if thread < 16, QueuedRWLock.isHeldForRead(bits, by: thread) {
          held.append("\(info.name) (read)")
        }
      case .rcu:
        if thread < 16, Library.rcuDepth(bits, thread) != 0 { held.append("rcu_read_lock") }
      case .value:
        break
      }
    }
    return held
  }

  /// The lock cells an operation names (`write_lock(&mmu_lock)` names `mmu_lock`), each with
  /// who holds it in `state`: `mmu_lock: read(vcpu1)`.
  public func locksNamed(in operation: String, in state: State) -> [String] {
    var result: [String] = []
    for (cell, info) in program.cells.enumerated() where info.kind != .value {
      let name = info.name
      guard let range = operation.range(of: name) else { continue }
      let before =
        range.lowerBound == operation.startIndex
        ? nil : operation[operation.index(before: range.lowerBound)]
      let after = range.upperBound == operation.endIndex ? nil : operation[range.upperBound]
      let boundary: (Character?) -> Bool = { c in
        c.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? true
      }
      if boundary(before), boundary(after) {
        result.append("\(name): \(describe(state.cells[cell], info))")
      }
    }
    return result
  }

  /// The SEAMCALLs (`tdh_` functions) that returned during `thread`'s step from `state`, each
  /// with its status by name, and the functions that returned a negative errno (`-EBUSY`), in
  /// the order they returned. Empty when the step ran none to its
  /// end, or when the traced re-run does not end where `after` says the step ends.
  public func seamcallReturns(of thread: Int, choice: Int, before state: State, after: State)
    -> [(function: String, status: String)]
  {
    var ts = state.threads[thread].thread
    var cells = state.cells
    let returns = machine.executeNotingReturns(&ts, thread: thread, choice: choice, cells: &cells)
    // The real step zeroes the dead slots where it stops (LiveSlots); so does the re-run.
    liveSlots?.zeroDead(&ts)
    guard ts == after.threads[thread].thread, cells == after.cells else { return [] }
    return returns.compactMap { r in
      guard program.functions.indices.contains(r.function) else { return nil }
      let name = program.functions[r.function].name
      if name.hasPrefix("tdh_") { return (name, statusName(r.value)) }
      // Any other function that fails with an errno says so by name (`-EBUSY`).
      if r.value.tag == .int, r.value.bits < 0, statusName(r.value).hasPrefix("-E") {
        return (name, statusName(r.value))
      }
      return nil
    }
  }
}
