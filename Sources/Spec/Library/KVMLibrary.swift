import Explorer

extension Library {
  /// The language of the KVM model: the generic library plus the SPTE encoding and the
  /// constants of the TDP MMU and the TDX module.
  ///
  /// SPTE helpers are local computation (not scheduling points): they only decode or build
  /// values. Everything that touches shared state stays in the spec, so that a kernel developer
  /// can see and change it.
  public static let kvm: Library = {
    var library = Library.standard
    library.checksPlainRaces = true
    library.typeNames["spte_t"] = .spte
    func constant(_ name: String, _ value: Int64) { library.constants[name] = (.int, .int(value)) }
    constant("PG_LEVEL_4K", 1)
    constant("PG_LEVEL_2M", 2)
    constant("PG_LEVEL_1G", 3)
    for builtin in spteBuiltins { library.add(builtin) }
    return library
  }()

  private static func spte(
    _ name: String, _ parameters: [Builtin.Parameter], _ result: SpecType,
    _ body: @escaping @Sendable (BuiltinArguments) -> Value
  ) -> Builtin {
    Builtin(
      name: name, parameters: parameters, result: result, isSchedulingPoint: false,
      execute: { call, _ in BuiltinOutcome(value: body(call.arguments)) })
  }

  static let spteBuiltins: [Builtin] = [
    spte("make_spte", [.init("pfn", .int)], .spte) {
      SPTE(kind: .leaf, argument: $0[0].bits).value
    },
    spte("make_nonleaf_spte", [.init("child", .int)], .spte) {
      SPTE(kind: .nonLeaf, argument: $0[0].bits).value
    },
    spte("make_mmio_spte", [], .spte) { _ in SPTE(kind: .mmio).value },
    spte("is_shadow_present_pte", [.init("spte", .spte)], .bool) {
      let kind = SPTE($0[0]).kind
      return .bool($0[0].tag == .spte && (kind == .leaf || kind == .nonLeaf))
    },
    spte("is_last_spte", [.init("spte", .spte), .init("level", .int)], .bool) {
      .bool($0[0].tag == .spte && SPTE($0[0]).kind == .leaf)
    },
    spte("is_frozen_spte", [.init("spte", .spte)], .bool) {
      .bool($0[0].tag == .spte && SPTE($0[0]).kind == .frozen)
    },
    spte("is_mmio_spte", [.init("spte", .spte)], .bool) {
      .bool($0[0].tag == .spte && SPTE($0[0]).kind == .mmio)
    },
    spte("spte_to_pfn", [.init("spte", .spte)], .int) {
      .int(SPTE($0[0]).kind == .leaf ? SPTE($0[0]).pfn : -1)
    },
    // The dirty bit (shadow_dirty_mask) of a leaf: set by make_spte, cleared by dirty logging.
    spte("is_dirty_spte", [.init("spte", .spte)], .bool) {
      .bool($0[0].tag == .spte && SPTE($0[0]).kind == .leaf && SPTE($0[0]).argument & SPTE.cleanBit == 0)
    },
    spte("spte_clear_dirty", [.init("spte", .spte)], .spte) {
      guard $0[0].tag == .spte, SPTE($0[0]).kind == .leaf else { return $0[0] }
      return SPTE(kind: .leaf, argument: SPTE($0[0]).argument | SPTE.cleanBit).value
    },
    // Whether the calling thread still claims an SPTE it froze by compare-and-exchange
    // (__tdp_mmu_set_spte_atomic): invariant 4 when it releases mmu_lock. No footprint: only
    // the claimer's own writes make or end a claim (another thread's write to it is a race,
    // Machine.frozenOwnership), so no other step can change the answer.
    Builtin(
      name: "frozen_claimed_by_current", parameters: [], result: .bool,
      isSchedulingPoint: false,
      execute: { call, memory in
        let claim = (Int64(call.thread) + 1) | SPTE.claimBit
        let claimed = memory.values.contains {
          $0.tag == .spte && SPTE($0).kind == .frozen && SPTE($0).argument == claim
        }
        return BuiltinOutcome(value: .bool(claimed))
      }),
    spte("spte_to_child_pt", [.init("spte", .spte)], .int) {
      .int(SPTE($0[0]).kind == .nonLeaf ? SPTE($0[0]).argument : -1)
    },
  ]
}
