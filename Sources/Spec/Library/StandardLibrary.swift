import Explorer

extension Library {
  /// The object id of the RCU state cell (a 4-bit read-side nesting count per thread).
  public static let rcuCell = 0
  /// The object id of `kvm_vm_bugged`, set by a firing `KVM_BUG_ON`.
  public static let vmBuggedCell = 1

  /// The generic language: integer types, locks, RCU, marked and plain accesses, `choose`.
  public static let standard: Library = {
    var typeNames: [String: SpecType] = [:]
    for word in [
      "int", "long", "u64", "u32", "u16", "u8", "s64", "s32", "gfn_t", "gpa_t", "kvm_pfn_t",
      "hpa_t",
    ] {
      typeNames[word] = .int
    }
    typeNames["bool"] = .bool
    typeNames["void"] = .void
    typeNames["ptr"] = .pointer
    typeNames["rwlock_t"] = .rwlock
    typeNames["spinlock_t"] = .spinlock
    typeNames["spte_t"] = .spte

    var constants: [String: (type: SpecType, value: Value)] = [:]
    let errnos: [(String, Int64)] = [
      ("EPERM", 1), ("ENOENT", 2), ("EINTR", 4), ("EIO", 5), ("EAGAIN", 11), ("ENOMEM", 12),
      ("EFAULT", 14), ("EBUSY", 16), ("EEXIST", 17), ("EINVAL", 22), ("ENOSPC", 28),
    ]
    for (name, value) in errnos { constants[name] = (.int, .int(value)) }
    let retPF = [
      "RET_PF_CONTINUE", "RET_PF_RETRY", "RET_PF_EMULATE", "RET_PF_WRITE_PROTECTED",
      "RET_PF_INVALID", "RET_PF_FIXED", "RET_PF_SPURIOUS",
    ]
    for (i, name) in retPF.enumerated() { constants[name] = (.int, .int(i)) }
    constants["TDX_SUCCESS"] = (.int, .int(0))
    constants["TDX_OPERAND_BUSY"] = (.int, .int(Int64(bitPattern: 0x8000_0200_0000_0000)))
    constants["NULL"] = (.int, .int(0))
    constants["SHADOW_NONPRESENT_VALUE"] = (.spte, SPTE(kind: .nonPresent).value)
    constants["FROZEN_SPTE"] = (.spte, SPTE(kind: .frozen).value)

    var library = Library(
      typeNames: typeNames, constants: constants, builtins: [:],
      implicitCells: [
        ImplicitCell(name: "__rcu", type: .int, initial: .zero, isVisible: false),
        ImplicitCell(name: "kvm_vm_bugged", type: .bool, initial: .bool(false), isVisible: true),
      ],
      violationKinds: [
        "assertion", "lock-misuse", "unbounded-retry", "deadlock", "spec-error", "divergence",
        "frozen-leftover", "race", "zap-policy", "tdx-error", "use-after-free",
      ])
    for builtin in memoryBuiltins + lockBuiltins + rcuBuiltins + freeBuiltins + otherBuiltins
      + branchHintBuiltins
    {
      library.add(builtin)
    }
    return library
  }()

  /// The internal names of the plain load and store the compiler emits for `x` and `x = v`.
  static let plainLoad = "<load>"
  static let plainStore = "<store>"

  // MARK: Memory

  private static func invalidPointer(_ what: String) -> BuiltinOutcome {
    BuiltinOutcome(
      violation: Violation(
        kind: "spec-error", message: "\(what) is not a valid pointer to a shared cell"))
  }

  private static func access(_ mode: AccessMode)
    -> @Sendable (BuiltinCall, SharedCells) -> BuiltinStatus
  {
    { call, memory in
      var footprint = Footprint()
      if let cell = call.cell(0, in: memory) { footprint.insert(object: cell, mode: mode) }
      return .enabled(footprint, choices: 1)
    }
  }

  private static func load(_ name: String, access kind: Builtin.Access) -> Builtin {
    var builtin = Builtin(
      name: name, parameters: [.init("p", .any, .location)], result: .any, isSchedulingPoint: true,
      access: kind, status: access(.read),
      execute: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return invalidPointer("the location") }
        return BuiltinOutcome(value: memory[cell])
      })
    builtin.fastPath = .load
    builtin.footprintRule = .init(argumentMode: .read)
    return builtin
  }

  private static func store(_ name: String, access kind: Builtin.Access) -> Builtin {
    var builtin = Builtin(
      name: name, parameters: [.init("p", .any, .location), .init("v", .any)], result: .void,
      isSchedulingPoint: true, access: kind, status: access(.write),
      execute: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return invalidPointer("the location") }
        memory[cell] = call.arguments[1]
        return BuiltinOutcome()
      })
    builtin.fastPath = .store
    builtin.footprintRule = .init(argumentMode: .write)
    return builtin
  }

  private static func readModifyWrite(
    _ name: String, parameters: [Builtin.Parameter], result: SpecType,
    _ update: @escaping @Sendable (Value, BuiltinArguments) -> (new: Value, result: Value)
  ) -> Builtin {
    Builtin(
      name: name, parameters: [.init("p", .any, .location)] + parameters, result: result,
      isSchedulingPoint: true, access: .atomic, status: access(.readModifyWrite),
      execute: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return invalidPointer("the location") }
        let (new, result) = update(memory[cell], call.arguments)
        memory[cell] = new
        return BuiltinOutcome(value: result)
      }
    ).with(.init(argumentMode: .readModifyWrite))
  }

  /// `try_cmpxchg64(p, &old, new)`: replaces `*p` by `new` when it equals `old`, else stores the
  /// current value into `old`.
  private static func tryCompareExchange(_ name: String) -> Builtin {
    Builtin(
      name: name,
      parameters: [.init("p", .any, .location), .init("old", .any, .out), .init("new", .any)],
      result: .bool, isSchedulingPoint: true, access: .atomic,
      // Always a read-modify-write, whether or not it will succeed: a footprint may not depend
      // on a value another thread can change (see TransitionSystem).
      status: access(.readModifyWrite),
      execute: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return invalidPointer("the location") }
        if memory[cell].equals(call.arguments[1]) {
          memory[cell] = call.arguments[2]
          return BuiltinOutcome(value: .bool(true), out: call.arguments[1])
        }
        return BuiltinOutcome(value: .bool(false), out: memory[cell])
      }
    ).with(.init(argumentMode: .readModifyWrite))
  }

  static let memoryBuiltins: [Builtin] = [
    load(plainLoad, access: .plain),
    store(plainStore, access: .plain),
    load("READ_ONCE", access: .marked),
    store("WRITE_ONCE", access: .marked),
    load("atomic_read", access: .marked),
    store("atomic_set", access: .marked),
    tryCompareExchange("try_cmpxchg64"),
    tryCompareExchange("try_cmpxchg"),
    Builtin(
      name: "cmpxchg64",
      parameters: [.init("p", .any, .location), .init("old", .any), .init("new", .any)],
      result: .any, isSchedulingPoint: true, access: .atomic,
      // Always a read-modify-write, whether or not it will succeed: a footprint may not depend
      // on a value another thread can change (see TransitionSystem).
      status: access(.readModifyWrite),
      execute: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return invalidPointer("the location") }
        let old = memory[cell]
        if old.equals(call.arguments[1]) { memory[cell] = call.arguments[2] }
        return BuiltinOutcome(value: old)
      }
    ).with(.init(argumentMode: .readModifyWrite)),
    readModifyWrite("xchg", parameters: [.init("new", .any)], result: .any) { old, args in
      (args[1], old)
    },
    readModifyWrite("atomic_inc", parameters: [], result: .void) { old, _ in
      (.int(old.bits &+ 1), .zero)
    },
    readModifyWrite("atomic_dec", parameters: [], result: .void) { old, _ in
      (.int(old.bits &- 1), .zero)
    },
    readModifyWrite("atomic_add", parameters: [.init("v", .int)], result: .void) { old, args in
      (.int(old.bits &+ args[1].bits), .zero)
    },
    readModifyWrite("atomic_inc_return", parameters: [], result: .int) { old, _ in
      (.int(old.bits &+ 1), .int(old.bits &+ 1))
    },
    readModifyWrite("atomic_dec_return", parameters: [], result: .int) { old, _ in
      (.int(old.bits &- 1), .int(old.bits &- 1))
    },
  ]

  // MARK: Locks

  // A spinlock cell holds 0 when free, else owner + 1. An rwlock cell is a queued rwlock (see
  // QueuedRWLock): readers, waiting writers, the writer and its thread.
  static let writerBit = QueuedRWLock.writerBit

  static func rwlockDescription(_ bits: Int64, names: (Int) -> String) -> String {
    QueuedRWLock.description(bits, names: names)
  }

  private static func lockBuiltin(
    _ name: String, type: SpecType, mode: AccessMode,
    blocked: @escaping @Sendable (Int64, Int) -> Bool,
    update: @escaping @Sendable (Int64, Int) -> LockUpdate
  ) -> Builtin {
    var builtin = Builtin(
      name: name, parameters: [.init("lock", type, .lock(type))], result: .void,
      isSchedulingPoint: true, access: .lock, threadOnly: true,
      status: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return .enabled(.empty, choices: 1) }
        var footprint = Footprint()
        footprint.insert(object: cell, mode: mode)
        return blocked(memory[cell].bits, call.thread)
          ? .blocked(footprint) : .enabled(footprint, choices: 1)
      },
      execute: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return invalidPointer("the lock") }
        switch update(memory[cell].bits, call.thread) {
        case .success(let bits):
          memory[cell] = .int(bits)
          return BuiltinOutcome()
        case .queued(let bits):
          memory[cell] = .int(bits)
          var outcome = BuiltinOutcome()
          outcome.repeats = true
          return outcome
        case .misuse(let message):
          return BuiltinOutcome(violation: Violation(kind: "lock-misuse", message: message))
        }
      })
    builtin.footprintRule = .init(argumentMode: mode)
    switch mode {
    case .acquire: builtin.fastPath = type == .rwlock ? .writeAcquire : .acquire
    case .sharedAcquire: builtin.fastPath = .sharedAcquire
    case .sharedRelease: builtin.fastPath = .sharedRelease
    default: builtin.fastPath = .release
    }
    return builtin
  }

  enum LockUpdate: Sendable {
    case success(Int64)
    /// The first step of a two-phase acquire: the new cell, and the thread stays at the call.
    case queued(Int64)
    case misuse(String)
  }

  private static func misuse(_ message: String) -> LockUpdate { .misuse(message) }

  static let lockBuiltins: [Builtin] = [
    lockBuiltin(
      "spin_lock", type: .spinlock, mode: .acquire, blocked: { bits, _ in bits != 0 },
      update: { _, t in .success(Int64(t) + 1) }),
    lockBuiltin(
      "spin_unlock", type: .spinlock, mode: .release, blocked: { _, _ in false },
      update: { bits, t in
        if bits == Int64(t) + 1 { return .success(0) }
        return misuse(bits == 0 ? "the lock is not held" : "the lock is held by another thread")
      }),
    lockBuiltin(
      "write_lock", type: .rwlock, mode: .acquire,
      blocked: { bits, t in QueuedRWLock.writePhase(bits, thread: t) == .wait },
      update: { bits, t in
        switch QueuedRWLock.writePhase(bits, thread: t) {
        case .queue: return .queued(bits | QueuedRWLock.waiterBit(t))
        default:
          return .success(bits & ~QueuedRWLock.waiterBit(t) | QueuedRWLock.writerBits(t))
        }
      }),
    lockBuiltin(
      "write_unlock", type: .rwlock, mode: .release, blocked: { _, _ in false },
      update: { bits, t in
        if QueuedRWLock.isHeldForWrite(bits, by: t) {
          return .success(bits & QueuedRWLock.waiterMask)
        }
        return misuse(
          bits & writerBit == 0
            ? "the lock is not held for write" : "the lock is held for write by another thread")
      }),
    lockBuiltin(
      "read_lock", type: .rwlock, mode: .sharedAcquire,
      blocked: { bits, t in QueuedRWLock.readBlocks(bits, thread: t) },
      update: { bits, t in
        if bits & QueuedRWLock.readerBit(t) != 0 {
          return misuse("recursive read_lock: the lock is already held for read by this thread")
        }
        return .success(bits | QueuedRWLock.readerBit(t))
      }),
    lockBuiltin(
      "read_unlock", type: .rwlock, mode: .sharedRelease, blocked: { _, _ in false },
      update: { bits, t in
        if QueuedRWLock.isHeldForRead(bits, by: t) {
          return .success(bits & ~QueuedRWLock.readerBit(t))
        }
        return misuse("the lock is not held for read by this thread")
      }),
    // lockdep assertions depend only on the calling thread's own hold, which no other thread
    // can change, so they are local computation rather than scheduling points.
    lockdep("lockdep_assert_held_write", type: .rwlock) { bits, t in
      QueuedRWLock.isHeldForWrite(bits, by: t)
    },
    lockdep("lockdep_assert_held_read", type: .rwlock) { bits, t in
      QueuedRWLock.isHeldForRead(bits, by: t)
    },
    lockdep("lockdep_assert_held", type: .rwlock) { bits, t in
      QueuedRWLock.isHeldForWrite(bits, by: t) || QueuedRWLock.isHeldForRead(bits, by: t)
    },
    lockdep("lockdep_assert_held_spin", type: .spinlock) { bits, t in bits == Int64(t) + 1 },
  ]

  private static func lockdep(
    _ name: String, type: SpecType, _ held: @escaping @Sendable (Int64, Int) -> Bool
  ) -> Builtin {
    Builtin(
      name: name, parameters: [.init("lock", type, .lock(type))], result: .void,
      isSchedulingPoint: false, access: .none, threadOnly: true,
      execute: { call, memory in
        guard let cell = call.cell(0, in: memory) else { return invalidPointer("the lock") }
        if held(memory[cell].bits, call.thread) { return BuiltinOutcome() }
        return BuiltinOutcome(
          violation: Violation(kind: "lock-misuse", message: "the lock is not held as required"))
      })
  }

  // MARK: RCU

  static func rcuDepth(_ bits: Int64, _ thread: Int) -> Int64 { (bits >> (4 * Int64(thread))) & 15 }

  static let rcuBuiltins: [Builtin] = [
    Builtin(
      name: "rcu_read_lock", parameters: [], result: .void, isSchedulingPoint: true, access: .rcu,
      threadOnly: true,
      status: { _, _ in .enabled(Footprint([(rcuCell, .sharedAcquire)]), choices: 1) },
      execute: { call, memory in
        let bits = memory[rcuCell].bits
        if rcuDepth(bits, call.thread) == 15 {
          return BuiltinOutcome(
            violation: Violation(
              kind: "lock-misuse", message: "rcu_read_lock nested more than 15 deep"))
        }
        memory[rcuCell] = .int(bits &+ (1 << (4 * Int64(call.thread))))
        return BuiltinOutcome()
      }
    ).with(.init(argumentMode: .read, implicit: [(rcuCell, .sharedAcquire)])),
    Builtin(
      name: "rcu_read_unlock", parameters: [], result: .void, isSchedulingPoint: true, access: .rcu,
      threadOnly: true,
      status: { _, _ in .enabled(Footprint([(rcuCell, .sharedRelease)]), choices: 1) },
      execute: { call, memory in
        let bits = memory[rcuCell].bits
        if rcuDepth(bits, call.thread) == 0 {
          return BuiltinOutcome(
            violation: Violation(
              kind: "lock-misuse",
              message: "rcu_read_unlock outside an RCU read-side critical section"))
        }
        let after = bits &- (1 << (4 * Int64(call.thread)))
        memory[rcuCell] = .int(after)
        // Leaving the outermost section ends this thread's part in every grace period that
        // waits for it. The write is not in the footprint, and need not be: the thread's bit in
        // a freed object's mark is read only by the thread itself (`rcu_freed`), and set only by
        // `kfree_rcu`, which conflicts with this step on the RCU state; so this step commutes
        // with every step of another thread that its footprint does not conflict with.
        if rcuDepth(after, call.thread) == 0 {
          let mask = ~(Int64(1) << Int64(call.thread))
          for i in memory.indices where memory[i].tag == .freed && memory[i].bits & ~mask != 0 {
            memory[i] = Value(tag: .freed, bits: memory[i].bits & mask)
          }
        }
        return BuiltinOutcome()
      }
    ).with(.init(argumentMode: .read, implicit: [(rcuCell, .sharedRelease)])),
    Builtin(
      name: "synchronize_rcu", parameters: [], result: .void, isSchedulingPoint: true, access: .rcu,
      threadOnly: true,
      status: { call, memory in
        let footprint = Footprint([(rcuCell, .acquire)])
        let bits = memory[rcuCell].bits
        // Waiting inside one's own read-side section would never end: report it instead.
        if rcuDepth(bits, call.thread) != 0 { return .enabled(footprint, choices: 1) }
        return bits != 0 ? .blocked(footprint) : .enabled(footprint, choices: 1)
      },
      execute: { call, memory in
        if rcuDepth(memory[rcuCell].bits, call.thread) != 0 {
          return BuiltinOutcome(
            violation: Violation(
              kind: "lock-misuse",
              message: "synchronize_rcu inside an RCU read-side critical section"))
        }
        return BuiltinOutcome()
      }
    ).with(.init(argumentMode: .read, implicit: [(rcuCell, .acquire)])),
  ]

  /// The threads inside an RCU read-side critical section.
  static func rcuReaders(_ bits: Int64) -> Int64 {
    var mask: Int64 = 0
    for t in 0..<16 where rcuDepth(bits, t) != 0 { mask |= 1 << Int64(t) }
    return mask
  }

  /// Objects freed directly or after a grace period, and the check a reader makes (PROTOCOL.md
  /// §11, invariant 18). A shared cell stands for the object (its `struct rcu_head`); it holds
  /// zero while the object is live, and a `.freed` mark once it was passed to `kfree_rcu` or
  /// `kfree`. The mark holds the threads that were inside a read-side critical section at the
  /// `kfree_rcu`: the grace period cannot end, and the object cannot be gone, before each of them
  /// leaves that section (`rcu_read_unlock` clears its bit). The callback itself is not run: the
  /// model needs only to know when the object may be gone.
  static let freeBuiltins: [Builtin] = {
    func free(_ name: String, afterGracePeriod: Bool) -> Builtin {
      var builtin = Builtin(
        name: name, parameters: [.init("object", .any, .location)], result: .void,
        isSchedulingPoint: true, access: .rcu,
        status: { call, memory in
          var footprint = Footprint()
          if let cell = call.cell(0, in: memory) { footprint.insert(object: cell, mode: .write) }
          // Which readers the grace period waits for depends on who is inside a section now.
          if afterGracePeriod { footprint.insert(object: rcuCell, mode: .write) }
          return .enabled(footprint, choices: 1)
        },
        execute: { call, memory in
          guard let cell = call.cell(0, in: memory) else { return invalidPointer("the object") }
          if memory[cell].tag == .freed {
            return BuiltinOutcome(
              violation: Violation(kind: "use-after-free", message: "the object is already freed"))
          }
          let readers = afterGracePeriod ? rcuReaders(memory[rcuCell].bits) : 0
          memory[cell] = Value(tag: .freed, bits: readers)
          return BuiltinOutcome()
        })
      if afterGracePeriod { builtin.implicitWrites = [rcuCell] }
      builtin.footprintRule = .init(
        argumentMode: .write, implicit: afterGracePeriod ? [(rcuCell, .write)] : [])
      return builtin
    }
    return [
      free("kfree_rcu", afterGracePeriod: true),
      free("kfree", afterGracePeriod: false),
      Builtin(
        name: "rcu_freed", parameters: [.init("object", .any, .location)], result: .bool,
        isSchedulingPoint: true, access: .rcu,
        status: { call, memory in
          var footprint = Footprint()
          if let cell = call.cell(0, in: memory) { footprint.insert(object: cell, mode: .read) }
          return .enabled(footprint, choices: 1)
        },
        execute: { call, memory in
          guard let cell = call.cell(0, in: memory) else { return invalidPointer("the object") }
          let mark = memory[cell]
          guard mark.tag == .freed else { return BuiltinOutcome(value: .bool(false)) }
          // Only a read-side section the calling thread was already in at the free, and has not
          // left since, keeps the object alive for it. (The thread's own depth is its own state.)
          let t = call.thread
          let protected =
            t >= 0 && rcuDepth(memory[rcuCell].bits, t) != 0 && mark.bits & (1 << Int64(t)) != 0
          return BuiltinOutcome(value: .bool(!protected))
        }
      ).with(.init(argumentMode: .read)),
    ]
  }()

  // MARK: Choice and helpers

  /// The most choices one `choose(n)` may offer. The engines keep a choice in 16 bits, and
  /// DPOR's race analysis visits every alternative of a step: a model needs far fewer.
  public static let maxChoices = 256

  static let otherBuiltins: [Builtin] = [
    Builtin(
      name: "choose", parameters: [.init("n", .any)], isVariadic: true, result: .any,
      isSchedulingPoint: true, access: .none, threadOnly: true, isNondeterministic: true,
      status: { call, _ in
        let n =
          call.arguments.count == 1 ? Int(clamping: call.arguments[0].bits) : call.arguments.count
        // Out of range, one choice, which raises the error.
        return .enabled(.empty, choices: (1...Library.maxChoices).contains(n) ? n : 1)
      },
      execute: { call, _ in
        if call.arguments.count == 1 {
          let n = call.arguments[0].bits
          if !(1...Int64(Library.maxChoices)).contains(n) {
            return BuiltinOutcome(
              violation: Violation(
                kind: "spec-error",
                message: "choose(n) needs 1 <= n <= \(Library.maxChoices), not \(n)"))
          }
          return BuiltinOutcome(value: .int(call.choice))
        }
        return BuiltinOutcome(value: call.arguments[call.choice])
      }
    ).with(.init(argumentMode: .read)),
    Builtin(
      name: "min", parameters: [.init("a", .int), .init("b", .int)], result: .int,
      isSchedulingPoint: false,
      execute: { call, _ in
        BuiltinOutcome(value: .int(min(call.arguments[0].bits, call.arguments[1].bits)))
      }),
    Builtin(
      name: "max", parameters: [.init("a", .int), .init("b", .int)], result: .int,
      isSchedulingPoint: false,
      execute: { call, _ in
        BuiltinOutcome(value: .int(max(call.arguments[0].bits, call.arguments[1].bits)))
      }),
    Builtin(
      name: "BIT", parameters: [.init("n", .int)], result: .int, isSchedulingPoint: false,
      execute: { call, _ in
        let n = call.arguments[0].bits
        return BuiltinOutcome(
          value: .int(n >= 0 && n < 64 ? Int64(bitPattern: UInt64(1) << UInt64(n)) : 0))
      }),
  ]
}
