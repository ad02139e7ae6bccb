import Explorer
import Foundation
import Spec
import Testing

/// The TDX module's locks as docs/model.md tabulates them: for every call and every lock it
/// takes, a holder of that lock in a conflicting mode makes the call busy with the lock's
/// operand, and a near miss (the same lock in a mode that does not conflict, or another lock of
/// the same kind) never does.
@Suite struct ModuleLockTests {
  struct Case: Sendable, CustomStringConvertible {
    /// The row of the table and the lock, for the test's name: `SEPT.ADD × TDR`.
    var row: String
    var lock: String
    /// `CALL_SEPT_ADD`, ... (holders.ept).
    var call: String
    var operand: String
    var status = "TDX_OPERAND_BUSY"
    var holder: String
    var nearMiss: String
    var initialState = ""
    var nearMissInitialState: String? = nil
    var description: String { "\(row) × \(lock)" }
  }

  static let mapped = "premap_private(1);"
  static let building = "td_initialized(); prelink_private(0);"

  static let cases: [Case] = [
    Case(
      row: "SEPT.ADD", lock: "TDR", call: "CALL_SEPT_ADD", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)"),
    Case(
      row: "SEPT.ADD", lock: "S-EPT tree", call: "CALL_SEPT_ADD", operand: "TDX_OPERAND_ID_SEPT",
      holder: "hold_tree(true)", nearMiss: "hold_tree(false)"),
    Case(
      row: "SEPT.ADD", lock: "entry", call: "CALL_SEPT_ADD", operand: "TDX_OPERAND_ID_RCX",
      holder: "hold_entry(0)", nearMiss: "hold_entry(1)"),
    Case(
      row: "SEPT.ADD", lock: "PAMT", call: "CALL_SEPT_ADD", operand: "TDX_OPERAND_ID_R8",
      holder: "hold_pamt(NR_GFNS)", nearMiss: "hold_pamt(NR_GFNS + 1)"),
    Case(
      row: "PAGE.AUG", lock: "TDR", call: "CALL_PAGE_AUG", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)", initialState: "prelink_private(0);"),
    Case(
      row: "PAGE.AUG", lock: "S-EPT tree", call: "CALL_PAGE_AUG", operand: "TDX_OPERAND_ID_SEPT",
      holder: "hold_tree(true)", nearMiss: "hold_tree(false)", initialState: "prelink_private(0);"),
    Case(
      row: "PAGE.AUG", lock: "entry", call: "CALL_PAGE_AUG", operand: "TDX_OPERAND_ID_RCX",
      holder: "hold_entry(2)", nearMiss: "hold_entry(3)", initialState: "prelink_private(0);"),
    Case(
      row: "PAGE.AUG", lock: "PAMT", call: "CALL_PAGE_AUG", operand: "TDX_OPERAND_ID_R8",
      holder: "hold_pamt(0)", nearMiss: "hold_pamt(1)", initialState: "prelink_private(0);"),
    Case(
      row: "PAGE.REMOVE", lock: "TDR", call: "CALL_PAGE_REMOVE", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)", initialState: mapped),
    Case(
      row: "PAGE.REMOVE", lock: "S-EPT tree", call: "CALL_PAGE_REMOVE",
      operand: "TDX_OPERAND_ID_SEPT", holder: "hold_tree(true)", nearMiss: "hold_tree(false)",
      initialState: mapped),
    Case(
      row: "PAGE.REMOVE", lock: "entry", call: "CALL_PAGE_REMOVE", operand: "TDX_OPERAND_ID_RCX",
      holder: "hold_entry(3)", nearMiss: "hold_entry(2)", initialState: mapped),
    Case(
      row: "PAGE.REMOVE", lock: "PAMT", call: "CALL_PAGE_REMOVE", operand: "TDX_OPERAND_ID_R8",
      holder: "hold_pamt(1)", nearMiss: "hold_pamt(0)", initialState: mapped),
    Case(
      row: "RANGE.BLOCK", lock: "TDR", call: "CALL_RANGE_BLOCK", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)", initialState: mapped),
    // BLOCK takes the tree exclusively: a shared holder conflicts; a lock of another entry does
    // not.
    Case(
      row: "RANGE.BLOCK", lock: "S-EPT tree", call: "CALL_RANGE_BLOCK",
      operand: "TDX_OPERAND_ID_SEPT", holder: "hold_tree(false)", nearMiss: "hold_entry(2)",
      initialState: mapped),
    Case(
      row: "RANGE.BLOCK", lock: "entry", call: "CALL_RANGE_BLOCK", operand: "TDX_OPERAND_ID_RCX",
      holder: "hold_entry(3)", nearMiss: "hold_entry(2)", initialState: mapped),
    Case(
      row: "TRACK", lock: "TDR", call: "CALL_TRACK", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)"),
    // TRACK takes the epoch exclusively: VP.ENTER's shared hold conflicts.
    Case(
      row: "TRACK", lock: "epoch", call: "CALL_TRACK", operand: "TDX_OPERAND_ID_TD_EPOCH",
      holder: "hold_epoch(false)", nearMiss: "hold_tree(true)"),
    Case(
      row: "PAGE.ADD", lock: "TDR", call: "CALL_PAGE_ADD", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(false)", nearMiss: "hold_tree(true)", initialState: building),
    Case(
      row: "PAGE.ADD", lock: "PAMT", call: "CALL_PAGE_ADD", operand: "TDX_OPERAND_ID_R8",
      holder: "hold_pamt(0)", nearMiss: "hold_pamt(1)", initialState: building),
    Case(
      row: "MR.EXTEND", lock: "TDR", call: "CALL_MR_EXTEND", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(false)", nearMiss: "hold_tree(true)",
      initialState: "td_initialized(); premap_private(1);"),
    Case(
      row: "MR.FINALIZE", lock: "TDR", call: "CALL_MR_FINALIZE", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(false)", nearMiss: "hold_tree(true)", initialState: "td_initialized();"),
    Case(
      row: "VP.CREATE", lock: "TDR", call: "CALL_VP_CREATE", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)", initialState: "td_initialized();"),
    Case(
      row: "VP.CREATE", lock: "TDVPR", call: "CALL_VP_CREATE", operand: "TDX_OPERAND_ID_TDVPR",
      holder: "hold_tdvpr(0)", nearMiss: "hold_tdvpr(1)", initialState: "td_initialized();"),
    Case(
      row: "VP.INIT", lock: "TDR", call: "CALL_VP_INIT", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(false)", nearMiss: "hold_tree(true)", initialState: "td_initialized();"),
    Case(
      row: "VP.INIT", lock: "TDVPR", call: "CALL_VP_INIT", operand: "TDX_OPERAND_ID_TDVPR",
      holder: "hold_tdvpr(0)", nearMiss: "hold_tdvpr(1)", initialState: "td_initialized();"),
    Case(
      row: "VP.FLUSH", lock: "TDR", call: "CALL_VP_FLUSH", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)"),
    Case(
      row: "VP.FLUSH", lock: "TDVPR", call: "CALL_VP_FLUSH", operand: "TDX_OPERAND_ID_TDVPR",
      holder: "hold_tdvpr(0)", nearMiss: "hold_tdvpr(1)"),
    Case(
      row: "MNG.VPFLUSHDONE", lock: "TDR", call: "CALL_VPFLUSHDONE",
      operand: "TDX_OPERAND_ID_TDR", holder: "hold_tdr(false)", nearMiss: "hold_tree(true)"),
    Case(
      row: "MNG.KEY.FREEID", lock: "TDR", call: "CALL_KEY_FREEID", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(false)", nearMiss: "hold_tree(true)"),
    Case(
      row: "VP.ENTER", lock: "TDR", call: "CALL_VP_ENTER", operand: "TDX_OPERAND_ID_TDR",
      holder: "hold_tdr(true)", nearMiss: "hold_tdr(false)"),
    Case(
      row: "VP.ENTER", lock: "TDVPR", call: "CALL_VP_ENTER", operand: "TDX_OPERAND_ID_TDVPR",
      holder: "hold_tdvpr(0)", nearMiss: "hold_tdvpr(1)"),
    Case(
      row: "VP.ENTER", lock: "epoch", call: "CALL_VP_ENTER", operand: "TDX_OPERAND_ID_TD_EPOCH",
      holder: "hold_epoch(true)", nearMiss: "hold_epoch(false)"),
    // Only an armed zero-step entry takes the tree: the near miss is the same holder, unarmed.
    Case(
      row: "VP.ENTER", lock: "S-EPT tree (zero-step)", call: "CALL_VP_ENTER",
      operand: "TDX_OPERAND_ID_SEPT", holder: "hold_tree(false)", nearMiss: "hold_tree(false)",
      initialState: "zero_step_armed[0] = true; zero_step_gfn[0] = 1;",
      nearMissInitialState: ""),
    Case(
      row: "guest ACCEPT", lock: "entry", call: "CALL_ACCEPT", operand: "TDX_OPERAND_ID_RCX",
      holder: "hold_entry(3)", nearMiss: "hold_entry(2)", initialState: mapped),
    // A host acquirer that failed on the entry left its host-priority bit: the guest backs off
    // with BUSY_HOST_PRIORITY although nobody holds the entry.
    Case(
      row: "guest ACCEPT", lock: "entry host priority", call: "CALL_ACCEPT",
      operand: "TDX_OPERAND_ID_RCX", status: "TDX_OPERAND_BUSY_HOST_PRIORITY",
      holder: "hold_nothing()", nearMiss: "hold_nothing()",
      initialState: mapped + " sept_entry_host_priority[3] = true;",
      nearMissInitialState: mapped),
  ]

  static let root = ManifestTests.root

  /// specs/'s base files, holders.ept, and one scenario per case and side.
  static let spec: LoadedSpec = {
    let specs = root.appendingPathComponent("specs")
    var sources: [(path: String, text: String)] = []
    let names = try! FileManager.default.contentsOfDirectory(atPath: specs.path).sorted()
    for name in names where name.hasSuffix(".ept") {
      let path = specs.appendingPathComponent(name).path
      sources.append((path, try! String(contentsOfFile: path, encoding: .utf8)))
    }
    let holders = root.appendingPathComponent("Tests/SpecTests/LockFixtures/holders.ept").path
    sources.append((holders, try! String(contentsOfFile: holders, encoding: .utf8)))
    var text = ""
    for (index, c) in cases.enumerated() {
      for positive in [true, false] {
        let initial = positive ? c.initialState : c.nearMissInitialState ?? c.initialState
        text += """
          scenario \(scenarioName(index, positive)) {
              init { \(initial) }
              thread holder = \(positive ? c.holder : c.nearMiss);
              thread caller = lock_test_caller(\(c.call), \(c.status), \(c.operand));
              expect ok;
          }

          """
      }
    }
    sources.append(("lock_tests.ept", text))
    return try! LoadedSpec.load(sources: sources)
  }()

  static func scenarioName(_ index: Int, _ positive: Bool) -> String {
    "lock_case_\(index)_\(positive ? "conflict" : "near_miss")"
  }

  static func violations(_ index: Int, _ positive: Bool) throws -> [String] {
    let scenario = try #require(spec.scenario(named: scenarioName(index, positive)))
    let result = try Explorer.explore(
      spec.system(for: scenario, loopBounds: false),
      configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
    #expect(result.completion == .complete)
    // The probe issues SEAMCALLs without KVM's mirror update, so KVM's end-of-execution
    // correspondence check (the `@invariant` check_final_invariants) says nothing about the
    // module's locks here; every other violation counts.
    return result.counterexamples.map(\.violation.message)
      .filter { !$0.hasPrefix("check_final_invariants at ") }.sorted()
  }

  @Test func theSpecLoadsWithoutWarnings() {
    #expect(Self.spec.warnings.isEmpty, "\(Self.spec.warnings)")
  }

  @Test(arguments: cases.indices)
  func aConflictingHolderMakesTheCallBusyOnItsOperand(_ index: Int) throws {
    let messages = try Self.violations(index, true)
    #expect(
      messages == [
        "caller in lock_test_caller at \(Self.root.path)/Tests/SpecTests/LockFixtures/holders.ept:"
          + "153:5: assertion failed: busy on the operand"
      ], "\(Self.cases[index])")
  }

  @Test(arguments: cases.indices)
  func aHolderThatDoesNotConflictNeverMakesItBusy(_ index: Int) throws {
    #expect(try Self.violations(index, false) == [], "\(Self.cases[index])")
  }
}
