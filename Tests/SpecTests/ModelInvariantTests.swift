import Explorer
import Foundation
import Spec
import Testing

/// The checks added for issue 4 (invariants 14, 16 and 18 of PROTOCOL.md §11, and the race of
/// plain accesses), on their fixtures: the exact violations the complete search reports, and how
/// many states it stores.
@Suite struct ModelInvariantTests {
  struct Outcome: Equatable, CustomStringConvertible {
    var states: Int
    var messages: [String]
    var description: String { "\(states) states: \(messages)" }
  }

  static func outcome(_ file: String) throws -> Outcome {
    let path = CheckKindTests.fixtures.appendingPathComponent("\(file).ept").path
    let spec = try LoadedSpec.load(paths: [path])
    let scenario = try #require(spec.scenarios.first)
    let result = try Explorer.explore(
      spec.system(for: scenario, loopBounds: false),
      configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
    #expect(result.completion == .complete)
    return Outcome(
      states: result.statistics.distinctStates,
      messages: Set(
        result.counterexamples.map {
          $0.violation.description.replacingOccurrences(
            of: ManifestTests.root.path + "/", with: "")
        }
      ).sorted())
  }

  @Test func plainStoresOfTheBusyFlagRace() throws {
    let outcome = try Self.outcome("race_plain")
    #expect(
      outcome
        == Outcome(
          states: 3175,
          messages: [
            "race: userspace in tdh_mem_range_block_no_vcpus at Tests/SpecTests/CheckFixtures/race_plain.ept:10:27: wait_for_sept_zap = true: plain write of wait_for_sept_zap races with vcpu0's read of it (not ordered by happens-before)",
            "race: userspace in tdh_mem_range_block_no_vcpus at Tests/SpecTests/CheckFixtures/race_plain.ept:13:27: wait_for_sept_zap = false: plain write of wait_for_sept_zap races with vcpu0's read of it (not ordered by happens-before)",
            "race: vcpu0 in vcpu_enter_guest at specs/tdx.ept:150:9: READ_ONCE(wait_for_sept_zap): read of wait_for_sept_zap races with userspace's plain write of it (not ordered by happens-before)",
          ]))
    // The near miss (WRITE_ONCE) tracks no cell, so it stores no more states than before.
    #expect(try Self.outcome("race_plain_near_miss") == Outcome(states: 1530, messages: []))
  }

  @Test func anInstallAfterAnInvalidationIsNotFresh() throws {
    let outcome = try Self.outcome("fresh_install")
    // The install check fires first; guest_memfd then frees the page the TD maps (invariant 15).
    #expect(
      outcome
        == Outcome(
          states: 187,
          messages: [
            "divergence: vcpu0 in check_fresh_install at specs/invariants.ept:42:9: DIVERGENCE_ON(ended_after_snapshot || in_progress) fired",
            "use-after-free: userspace in kvm_gmem_punch_hole at specs/guest_memfd.ept:17:13: USE_AFTER_FREE_ON(sept_state[sept_index(gfn, PG_LEVEL_4K)] != SEPT_FREE) fired",
          ]))
    #expect(try Self.outcome("fresh_install_near_miss") == Outcome(states: 183, messages: []))
  }
}
