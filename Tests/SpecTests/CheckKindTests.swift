import Explorer
import Foundation
import Spec
import Testing

/// Each check of DESIGN.md §4, on the real model: a variant that must trigger it, and the same
/// race on the upstream model (a "near miss") that must not. The known-bug corpus of specs/bugs
/// covers divergence, zap-policy, tdx-error, use-after-free and unbounded-retry the same way (see
/// ManifestTests); these fixtures cover the rest. (`race` is both the frozen-ownership race of
/// PROTOCOL.md §11, invariant 3, see Machine.frozenOwnership, and the race of plain accesses
/// unordered by happens-before, see PlainRaces.)
@Suite struct CheckKindTests {
  static let fixtures = ManifestTests.root.appendingPathComponent("Tests/SpecTests/CheckFixtures")

  struct Case: Sendable, CustomStringConvertible {
    var file: String
    var kind: String
    /// The complete search that shows the violation. (The frozen-leftover trigger takes one
    /// fault without the retry loop, so that its execution really ends: through the loop the
    /// vCPU would spin on its own frozen SPTE, a livelock, and a loop's bound only cuts.)
    var strategy: Strategy
    var description: String { kind }
  }

  static let cases: [Case] = [
    Case(file: "frozen_leftover", kind: "frozen-leftover", strategy: .dpor),
    Case(file: "race", kind: "race", strategy: .stateful(shortest: false)),
    Case(file: "race_plain", kind: "race", strategy: .stateful(shortest: false)),
    Case(file: "fresh_install", kind: "divergence", strategy: .stateful(shortest: false)),
    Case(file: "rcu_grace_period", kind: "use-after-free", strategy: .stateful(shortest: false)),
    Case(file: "rcu_walker", kind: "use-after-free", strategy: .stateful(shortest: false)),
    Case(file: "lock_misuse", kind: "lock-misuse", strategy: .stateful(shortest: false)),
    Case(file: "deadlock", kind: "deadlock", strategy: .stateful(shortest: false)),
    Case(file: "assertion", kind: "assertion", strategy: .stateful(shortest: false)),
    // 7.2 left TDX's lockdep_assert_held_write as the only guard against a mirror removal under
    // mmu_lock for read (41367d77ee4e).
    Case(
      file: "mirror_removal_under_read_lock", kind: "lock-misuse",
      strategy: .stateful(shortest: false)),
    // The notifier's release chooses its roots by type (tdp_mmu_root_match): asking for every
    // type hands it the mirror root. Before issue 19 the model zapped the direct root by
    // construction and could not express this.
    Case(file: "zap_all_root_types", kind: "zap-policy", strategy: .stateful(shortest: false)),
    // Correspondence at every release of mmu_lock for write, in a scenario without `finally`:
    // before issue 19 only the end of an execution was checked, and this variant passed.
    Case(file: "quiescent_divergence", kind: "divergence", strategy: .stateful(shortest: false)),
    // Zaps yield mmu_lock between leaves: a reader sees the notifier's zap half done (the
    // previous model's zaps never yielded, and this reader's assertion held).
    Case(file: "zap_yields", kind: "assertion", strategy: .stateful(shortest: false)),
    // No frozen leftover when the freezer releases mmu_lock for read (@on_release), with the
    // vCPU in its retry loop so that no execution ends: before issue 19 only a livelock showed.
    Case(
      file: "frozen_leftover_at_unlock", kind: "frozen-leftover",
      strategy: .stateful(shortest: false)),
    // Correspondence at the end of every execution without a `finally` (@invariant).
    Case(file: "final_invariants", kind: "divergence", strategy: .stateful(shortest: false)),
    // Teardown in the kernel's order: the TDP MMU torn down before the HKID release frees
    // S-EPT pages with the HKID assigned (before issue 19 the model had one fixed order).
    Case(file: "teardown_order", kind: "assertion", strategy: .stateful(shortest: false)),
    // Root selection of the direct-only paths: each now follows from the kernel's own test,
    // and dropping that test reaches the mirror (before issue 19 the roots were fixed).
    Case(file: "fast_pf_mirror_root", kind: "divergence", strategy: .stateful(shortest: false)),
    Case(file: "dirty_log_gmem_slot", kind: "lock-misuse", strategy: .stateful(shortest: false)),
    Case(file: "nx_recovery_mirror", kind: "lock-misuse", strategy: .stateful(shortest: false)),
    // kvm_unmap_gfn_range's assertion: a zap outside an invalidation and without slots_lock.
    Case(
      file: "unmap_outside_invalidation", kind: "lock-misuse",
      strategy: .stateful(shortest: false)),
  ]

  static func kinds(_ file: String, _ strategy: Strategy) throws -> [String] {
    let spec = try LoadedSpec.load(paths: [fixtures.appendingPathComponent("\(file).ept").path])
    #expect(spec.scenarios.count == 1)
    let scenario = try #require(spec.scenarios.first)
    var loopBounds = true
    if case .stateful = strategy { loopBounds = false }
    let result = try Explorer.explore(
      spec.system(for: scenario, loopBounds: loopBounds),
      configuration: Configuration(strategy: strategy, shrink: false))
    #expect(result.completion == .complete)
    for counterexample in result.counterexamples {
      _ = try Replayer(system: spec.system(for: scenario, loopBounds: loopBounds))
        .validate(counterexample.trace)
    }
    return Set(result.counterexamples.map(\.violation.kind)).sorted()
  }

  @Test(arguments: cases)
  func theVariantTriggersTheCheck(_ check: Case) throws {
    #expect(try Self.kinds(check.file, check.strategy).contains(check.kind))
  }

  /// The near miss shows no violation at all under the complete stateful search, and not the
  /// check's kind under the case's own search. (Under dpor, the bound of the TDX retry loop can
  /// still run out while another vCPU stays in the guest: bounded loops cannot tell an unfair
  /// schedule from a livelock, which is why the default search is the stateful one.)
  @Test(arguments: cases)
  func theUpstreamModelInTheSameRaceDoesNot(_ check: Case) throws {
    #expect(try Self.kinds("\(check.file)_near_miss", .stateful(shortest: false)) == [])
    #expect(try !Self.kinds("\(check.file)_near_miss", check.strategy).contains(check.kind))
  }
}
