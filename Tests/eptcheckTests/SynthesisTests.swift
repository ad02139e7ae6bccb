import Foundation
import Testing

/// Scenario synthesis from the actor catalogue (issue 16): stable names, exact counts, the
/// switches, and a patch given as the input, end to end through the built binary.
@Suite struct SynthesisTests {
  static let patches = "Tests/eptcheckTests/Fixtures/patches"
  static let readLockPatch = "\(patches)/punch_hole_read_lock.ept"
  static let unracedPatch = "\(patches)/flush_vp_unraced.ept"

  /// The scenarios `eptcheck list` names, without its release line.
  static func listed(_ arguments: [String]) throws -> [String] {
    let result = try EptCheckBinary.run(["list"] + arguments)
    #expect(result.status == 0)
    return result.stdout.split(separator: "\n").dropFirst().map {
      String($0.split(separator: " ", maxSplits: 1)[0])
    }
  }

  @Test func pairsAreNamedOnceEachAndCounted() throws {
    let names = try Self.listed([])
    let synthesized = names.filter { $0.hasPrefix("pair_") }
    #expect(names.count == 481)
    #expect(synthesized.count == 440)
    #expect(Set(names).count == names.count)
    #expect(
      synthesized.prefix(4) == [
        "pair_private_fault_private_fault_same_gfn",
        "pair_private_fault_private_fault_sibling_gfn",
        "pair_private_fault_private_fault_other_table",
        "pair_private_fault_shared_fault_same_gfn",
      ])
    // Unordered pairs: the swapped name is never built.
    #expect(synthesized.contains("pair_private_fault_gmem_punch_hole_sibling_gfn"))
    #expect(!synthesized.contains("pair_gmem_punch_hole_private_fault_sibling_gfn"))
    // Phases: populate only before finalization, a private fault only after.
    #expect(synthesized.contains("pair_populate_gmem_punch_hole_same_gfn_before_finalize"))
    #expect(!synthesized.contains("pair_populate_gmem_punch_hole_same_gfn"))
    #expect(!synthesized.contains { $0.hasPrefix("pair_private_fault_populate") })
    // Two actors that need private and shared memory at one GFN are never put there.
    #expect(!synthesized.contains("pair_shared_fault_gmem_punch_hole_same_gfn"))
    // Teardown runs against the mm's exit only.
    #expect(synthesized.filter { $0.contains("teardown") } == ["pair_mm_release_teardown"])
  }

  @Test func theSameRunListsTheSameNames() throws {
    #expect(try Self.listed([]) == Self.listed([]))
  }

  @Test func triplesAddAVCPUInTheGuest() throws {
    let names = try Self.listed(["--synthesize", "triples"])
    let triples = names.filter { $0.hasPrefix("triple_") }
    #expect(names.count == 561)
    #expect(triples.count == 80)
    #expect(triples.contains("triple_private_fault_guest_access_gmem_punch_hole_sibling_gfn"))
  }

  @Test func noneGivesOnlyTheHandWrittenScenarios() throws {
    let names = try Self.listed(["--synthesize", "none"])
    #expect(names.count == 41)
    #expect(!names.contains { $0.hasPrefix("pair_") || $0.hasPrefix("triple_") })
    let result = try EptCheckBinary.run(["--synthesize", "none", "--depth", "12"])
    #expect(result.status == 0)
    #expect(
      result.stdout.split(separator: "\n").last?.hasPrefix(
        "41 scenarios: 41 as expected, 0 not as expected, 0 inconclusive; ") == true)
  }

  @Test func aSynthesizedScenarioReruns() throws {
    let result = try EptCheckBinary.run([
      "--depth", "12", "--scenario", "pair_private_fault_gmem_punch_hole_sibling_gfn",
    ])
    #expect(result.status == 0)
    let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(
      last.hasPrefix(
        "1 scenarios (0 hand-written, 1 synthesized): 1 as expected, 0 not as expected, 0 inconclusive; "
      ))
  }

  @Test func theFindingIsExpected() throws {
    let result = try EptCheckBinary.run([
      "--depth", "12", "--scenario", "pair_finalize_gmem_punch_hole_before_finalize",
    ])
    #expect(result.status == 0)
    #expect(
      result.stdout.hasPrefix(
        "pass         pair_finalize_gmem_punch_hole_before_finalize  stateful: "))
    #expect(
      result.stdout.contains(
        ", complete; expects tdx-error (also assertion, use-after-free)\n"))
  }

  /// Issue 16's acceptance: the patch alone, with no scenario of its own, fails on a
  /// synthesized scenario: the hole punch against a fault on the sibling GFN.
  @Test func theReadLockPatchFailsOnASynthesizedScenario() throws {
    let result = try EptCheckBinary.run(["--depth", "12", "specs", Self.readLockPatch])
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    #expect(
      lines.contains(
        "pair_private_fault_gmem_punch_hole_sibling_gfn: tdx-error: gmem_punch_hole in tdx_sept_remove_leaf_spte at \(Self.readLockPatch):108:9: TDX_BUG_ON(err) fired (TDX_OPERAND_BUSY | SEPT); the VM is bugged"
      ))
    #expect(
      lines.contains(
        "  FAIL pair_private_fault_gmem_punch_hole_sibling_gfn: expected ok, found tdx-error"))
    #expect(
      lines.contains(
        "  tdp_mmu_zap_leafs: races another thread (first in pair_private_fault_gmem_punch_hole_sibling_gfn)"
      ))
    #expect(!result.stdout.contains("warning: "))
    #expect(
      lines.last { !$0.isEmpty }?.hasPrefix(
        "481 scenarios (41 hand-written, 440 synthesized): 413 as expected, 68 not as expected, 0 inconclusive; "
      ) == true)
  }

  @Test func anUnracedOverrideIsWarnedAbout() throws {
    let result = try EptCheckBinary.run([
      "--depth", "12", "--synthesize", "none", "specs", Self.unracedPatch,
    ])
    #expect(result.status == 0)
    #expect(
      result.stdout.contains(
        """

        coverage of \(Self.unracedPatch):
          tdx_flush_vp_on_cpu: runs, never against a concurrent thread
        warning: tdx_flush_vp_on_cpu (overridden in \(Self.unracedPatch)) never runs against a concurrent thread in any scenario

        41 scenarios: 41 as expected, 0 not as expected, 0 inconclusive; 
        """))
  }

  @Test func requireCoverageMakesItInconclusive() throws {
    let result = try EptCheckBinary.run([
      "--depth", "12", "--synthesize", "none", "--require-coverage", "specs", Self.unracedPatch,
    ])
    #expect(result.status == 2)
    let raced = try EptCheckBinary.run([
      "--depth", "12", "--require-coverage", "--scenario",
      "pair_private_fault_gmem_punch_hole_sibling_gfn", "specs", Self.readLockPatch,
    ])
    #expect(raced.status == 1)
  }

  @Test func theJSONReportMarksSynthesizedScenarios() throws {
    let result = try EptCheckBinary.run([
      "--format", "json", "--scenario", "pair_private_fault_gmem_punch_hole_sibling_gfn",
      "--scenario", "fault_vs_gmem_punch_hole",
    ])
    #expect(result.status == 0)
    let records = result.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let scenarios = records.filter { $0["kind"] as? String == "scenario" }
    #expect(scenarios.count == 2)
    #expect(
      scenarios.first {
        $0["name"] as? String == "pair_private_fault_gmem_punch_hole_sibling_gfn"
      }?["synthesized"] as? Bool == true)
    #expect(
      scenarios.first { $0["name"] as? String == "fault_vs_gmem_punch_hole" }?["synthesized"] == nil
    )
    #expect(records.first { $0["kind"] as? String == "summary" }?["synthesized"] as? Int == 1)
  }

  @Test func aPatchDeclaresNoActors() throws {
    let result = try EptCheckBinary.run([
      "list", "specs", "Tests/eptcheckTests/Fixtures/patches/bad/actor_in_patch.ept",
    ])
    #expect(result.status == 65)
    #expect(
      result.stderr.hasPrefix(
        "Tests/eptcheckTests/Fixtures/patches/bad/actor_in_patch.ept:4:7: error: actor 'late' is declared in a variant; the actor catalogue belongs in the base files"
      ))
  }
}

/// A vCPU's run loop enters and leaves kvm->srcu on every pass; SRCU's state must stay finite so
/// that the stateful search closes (a count of finished sections grew with every pass, and
/// `auto` spent minutes before dpor took over). Regression test for the synthesized pairs of a
/// guest and a memslot deletion.
@Suite struct SRCUStateTests {
  @Test(arguments: [
    ("pair_guest_access_memslot_delete_same_gfn", 5341),
    ("pair_guest_accept_memslot_delete_sibling_gfn", 12954),
  ])
  func theRunLoopAgainstAMemslotDeletionCloses(_ scenario: String, _ states: Int) throws {
    let result = try EptCheckBinary.run(["--strategy", "stateful", "--scenario", scenario])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("pass         \(scenario)  stateful: \(states) states, "))
    #expect(result.stdout.contains(", complete\n"))
  }
}

/// Bad actor declarations get one error each, with file:line:col.
@Suite struct ActorDiagnosticTests {
  static let fixtures = "Tests/eptcheckTests/Fixtures/actors"

  @Test func aFindingThatNamesNoScenarioSuggestsTheNearest() throws {
    let result = try EptCheckBinary.run(["list", "\(Self.fixtures)/typo.ept"])
    #expect(result.status == 65)
    #expect(
      result.stderr == """
        \(Self.fixtures)/typo.ept:6:9: error: no synthesized scenario is named 'pair_left_rigth_same_gfn'; did you mean 'pair_left_right_same_gfn'?
        finding pair_left_rigth_same_gfn violation race;
                ^

        """)
    // Without synthesis there is nothing to check the finding against.
    let none = try EptCheckBinary.run(["list", "--synthesize", "none", "\(Self.fixtures)/typo.ept"])
    #expect(none.status == 0)
  }

  @Test func aBadParameterAndABadPhaseAreOneErrorEach() throws {
    let result = try EptCheckBinary.run(["list", "\(Self.fixtures)/bad_items.ept"])
    #expect(result.status == 65)
    let errors = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
    #expect(
      errors == [
        "\(Self.fixtures)/bad_items.ept:4:17: error: actor parameter 'size' is not one synthesis binds; use 'vcpu' or 'gfn'",
        "\(Self.fixtures)/bad_items.ept:5:26: error: unknown phase 'later'; expected any, before_finalize or after_finalize",
      ])
  }

  @Test func theTinyCatalogueSynthesizesItsThreePairsAndSelfPairs() throws {
    let result = try EptCheckBinary.run([
      "list", "Tests/eptcheckTests/Fixtures/actors/good.ept",
    ])
    #expect(result.status == 0)
    let names = result.stdout.split(separator: "\n").map {
      String($0.split(separator: " ", maxSplits: 1)[0])
    }
    #expect(
      names == [
        "pair_left_left_same_gfn", "pair_left_left_sibling_gfn", "pair_left_left_other_table",
        "pair_left_right_same_gfn", "pair_left_right_sibling_gfn", "pair_left_right_other_table",
        "pair_right_right_same_gfn", "pair_right_right_sibling_gfn", "pair_right_right_other_table",
      ])
  }
}
