import Foundation
import KernelSource
import Spec
import Testing

/// specs/kernel-sync.json has a fingerprint for every kernel function the mainline model names,
/// except the ones listed here, each with the reason it has none. Adding a modelled function
/// (or renaming one's @kernel attribution) without recording it fails this test, so the record
/// cannot go stale silently: record it with `eptcheck sync --kernel ~/linux --update --tree ...`
/// (docs/kernel-sync.md), or list it here with its reason.
@Suite struct KernelSyncRecordTests {
  /// The attributions with no fingerprint in the record, and why (docs/kernel-sync.md).
  static let unrecorded: [KernelReference: String] = {
    let notKernelSource = "the TDX module's ABI, not kernel source"
    let noHeader =
      "a static inline of a header the reconstructed 7.2 tree does not hold; record from a real 7.2 tree"
    let noMMUSource =
      "no 7.x arch/x86/kvm/mmu source is stored; record from a real 7.2 tree"
    var list: [KernelReference: String] = [
      .init(file: "TDX module", function: "TD guest"): notKernelSource,
      .init(file: "TDX module", function: "TDG.MEM.PAGE.ACCEPT"): notKernelSource,
      .init(file: "TDX module", function: "guest access"): notKernelSource,
      .init(file: "include/linux/srcu.h", function: "srcu_read_lock"): noHeader,
      .init(file: "include/linux/srcu.h", function: "srcu_read_unlock"): noHeader,
      .init(file: "include/linux/kvm_host.h", function: "mmu_invalidate_retry_gfn"): noHeader,
      .init(file: "virt/kvm/guest_memfd.c", function: "kvm_gmem_evict_inode"):
        "no such function in guest_memfd.c since its inodes have their own super_operations"
        + " (kvm_gmem_destroy_inode, kvm_gmem_free_inode)",
      .init(file: "mm/mmu_notifier.c", function: "__mmu_notifier_release"):
        "no 7.x mm/mmu_notifier.c is stored; record from a real 7.2 tree",
      .init(file: "mm/mmu_notifier.c", function: "mmu_notifier_unregister"):
        "no 7.x mm/mmu_notifier.c is stored; record from a real 7.2 tree",
      .init(file: "kernel/rcu/srcutree.c", function: "synchronize_srcu"):
        "no 7.x kernel/rcu/srcutree.c is stored; record from a real 7.2 tree",
      .init(file: "arch/x86/kvm/mmu/tdp_iter.h", function: "kvm_tdp_mmu_read_spte"): noMMUSource,
      .init(file: "arch/x86/kvm/mmu/tdp_mmu.h", function: "tdp_mmu_get_root"): noMMUSource,
    ]
    for function in [
      "fast_page_fault", "fast_pf_fix_direct_spte", "kvm_arch_flush_shadow_memslot",
      "kvm_arch_vcpu_pre_fault_memory", "kvm_mmu_max_mapping_level", "kvm_mmu_zap_all_fast",
      "kvm_recover_nx_huge_pages", "kvm_tdp_map_page", "kvm_tdp_mmu_map_private_pfn",
      "kvm_tdp_page_fault", "kvm_tdp_page_prefault", "page_fault_can_be_fast",
      "track_possible_nx_huge_page",
    ] {
      list[.init(file: "arch/x86/kvm/mmu/mmu.c", function: function)] = noMMUSource
    }
    for function in [
      "__handle_changed_spte", "__tdp_mmu_set_spte_atomic", "clear_dirty_gfn_range",
      "handle_changed_spte", "handle_removed_pt", "kvm_mmu_uninit_tdp_mmu",
      "kvm_tdp_mmu_clear_dirty_slot", "kvm_tdp_mmu_invalidate_roots", "kvm_tdp_mmu_map",
      "kvm_tdp_mmu_unmap_gfn_range", "kvm_tdp_mmu_zap_all", "kvm_tdp_mmu_zap_invalidated_roots",
      "kvm_tdp_mmu_zap_possible_nx_huge_page", "tdp_mmu_alloc_sp", "tdp_mmu_free_sp_rcu_callback",
      "tdp_mmu_iter_cond_resched", "tdp_mmu_link_sp", "tdp_mmu_map_handle_target_level",
      "tdp_mmu_root_match", "tdp_mmu_set_spte", "tdp_mmu_set_spte_atomic", "tdp_mmu_zap_leafs",
      "tdp_mmu_zap_root",
    ] {
      list[.init(file: "arch/x86/kvm/mmu/tdp_mmu.c", function: function)] =
        "no 7.2 tdp_mmu.c is stored (the model follows the series as posted, v5);"
        + " record from a real 7.2 tree"
    }
    return list
  }()

  static func modelled() throws -> Set<KernelReference> {
    let specs = EptCheckBinary.packageRoot.appendingPathComponent("specs").path
    let spec = try LoadedSpec.load(paths: [specs])
    return Set(spec.baseFunctions.compactMap(\.kernel))
  }

  static func recorded() throws -> [KernelReference] {
    let path = EptCheckBinary.packageRoot.appendingPathComponent("specs/kernel-sync.json").path
    let record = try SyncRecord.read(path: path)
    #expect(record.version == SyncRecord.currentVersion)
    #expect(record.tree.hasPrefix("Linux 7.2 as modelled"))
    return record.functions.map { KernelReference(file: $0.file, function: $0.function) }
  }

  @Test func everyModelledKernelFunctionIsRecordedOrListedWithItsReason() throws {
    let modelled = try Self.modelled()
    let recorded = try Self.recorded()
    let listed = Set(Self.unrecorded.keys)
    #expect(recorded.count == Set(recorded).count, "a function is recorded twice")
    #expect(
      modelled.subtracting(listed).subtracting(recorded).sorted(by: Self.order) == [],
      "modelled, but neither recorded in specs/kernel-sync.json nor listed as unrecorded")
    #expect(
      Set(recorded).subtracting(modelled).sorted(by: Self.order) == [],
      "recorded, but no longer modelled: update the record")
    #expect(
      listed.subtracting(modelled).sorted(by: Self.order) == [],
      "listed as unrecorded, but no longer modelled: drop it from the list")
    #expect(
      listed.intersection(recorded).sorted(by: Self.order) == [],
      "listed as unrecorded, but recorded: drop it from the list")
  }

  /// The record's exact extent, so that a change to it is a decision: 55 functions in five files.
  @Test func theRecordCoversExactlyTheFilesWithASource() throws {
    let byFile = Dictionary(grouping: try Self.recorded(), by: \.file).mapValues(\.count)
    #expect(
      byFile == [
        "arch/x86/kvm/vmx/tdx.c": 22, "arch/x86/virt/vmx/tdx/tdx.c": 15,
        "arch/x86/kvm/x86.c": 3, "virt/kvm/kvm_main.c": 9, "virt/kvm/guest_memfd.c": 6,
      ])
    #expect(Self.unrecorded.count == 48)
  }

  static func order(_ a: KernelReference, _ b: KernelReference) -> Bool {
    (a.file, a.function) < (b.file, b.function)
  }
}
