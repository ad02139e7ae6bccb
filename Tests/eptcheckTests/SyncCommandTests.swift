import Foundation
import Testing

/// `eptcheck sync` on a fixture tree of C files: it names exactly the functions a tree changed.
@Suite struct SyncCommandTests {
  static var fixture: URL {
    EptCheckBinary.packageRoot.appendingPathComponent("Tests/eptcheckTests/Fixtures/sync")
  }

  @Test func theSyncedTreeHasNoChanges() throws {
    let result = try EptCheckBinary.run(["sync", "--kernel", "tree-a", "specs"], in: Self.fixture)
    #expect(result.status == 0)
    #expect(result.stderr == "")
    #expect(
      result.stdout == """
        tree-a against the model (specs/kernel-sync.json: last synced with fixture tree-a)
        4 modelled kernel functions: 3 unchanged, 1 not kernel source
        not kernel source, not checked:
          TDH.MEM.PAGE.AUG  TDX module  (model: specs/model.ept:14)

        """)
  }

  @Test func aPatchedTreeNamesExactlyTheChangedFunction() throws {
    let result = try EptCheckBinary.run(["sync", "--kernel", "tree-b", "specs"], in: Self.fixture)
    #expect(result.status == 1)
    #expect(
      result.stdout == """
        tree-b against the model (specs/kernel-sync.json: last synced with fixture tree-a)
        4 modelled kernel functions: 2 unchanged, 1 changed, 1 not kernel source
        changed since the last sync:
          set_one           arch/x86/kvm/mmu/tdp_mmu.c:17  (model: specs/model.ept:8)
        not kernel source, not checked:
          TDH.MEM.PAGE.AUG  TDX module  (model: specs/model.ept:14)
        your tree changes `set_one` (specs/model.ept:8); the model may need the same change

        """)
  }

  @Test func missingFilesAndFunctionsAreListed() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let spec = directory.appendingPathComponent("missing.ept")
    try """
    shared int x;
    @kernel("arch/x86/kvm/mmu/tdp_mmu.c", "no_such_function")
    void a() { WRITE_ONCE(x, 0); }
    @kernel("arch/x86/kvm/vmx/tdx.c", "tdx_sept_set_private_spte")
    void b() { WRITE_ONCE(x, 1); }
    @kernel("../../outside.c", "escape")
    void c() { WRITE_ONCE(x, 2); }
    scenario s { thread t = a(); expect ok; }
    """.write(to: spec, atomically: true, encoding: .utf8)
    let tree = Self.fixture.appendingPathComponent("tree-a").path
    let result = try EptCheckBinary.run(["sync", "--kernel", tree, spec.path], in: directory)
    #expect(result.status == 1)
    #expect(
      result.stdout.split(separator: "\n").dropFirst().map(String.init) == [
        "3 modelled kernel functions: 1 not defined, 1 file not in the tree, 1 not kernel source",
        "not defined in their file:",
        "  no_such_function           arch/x86/kvm/mmu/tdp_mmu.c  (model: \(spec.path):3)",
        "file not in the tree:",
        "  tdx_sept_set_private_spte  arch/x86/kvm/vmx/tdx.c  (model: \(spec.path):5)",
        "not kernel source, not checked:",
        "  escape                     ../../outside.c  (model: \(spec.path):7)",
      ])
  }

  @Test func updateRecordsTheTreeAndTheNextSyncIsClean() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let record = directory.appendingPathComponent("kernel-sync.json").path
    let first = try EptCheckBinary.run(
      ["sync", "--kernel", "tree-b", "--record", record, "--update", "--tree", "b", "specs"],
      in: Self.fixture)
    #expect(first.status == 0)
    #expect(first.stdout.hasSuffix("wrote \(record)\n"))
    let again = try EptCheckBinary.run(
      ["sync", "--kernel", "tree-b", "--record", record, "specs"], in: Self.fixture)
    #expect(again.status == 0)
    #expect(again.stdout.contains("3 unchanged, 1 not kernel source"))
    let back = try EptCheckBinary.run(
      ["sync", "--kernel", "tree-a", "--record", record, "specs"], in: Self.fixture)
    #expect(back.status == 1)
    #expect(back.stdout.contains("your tree changes `set_one` (specs/model.ept:8)"))
  }

  @Test(arguments: [
    (["sync", "--kernel", "no-such-tree", "specs"], 64, "Error: --kernel no-such-tree: not a directory"),
    (["sync", "--kernel", "tree-a", "--tree", "x", "specs"], 64, "Error: --tree needs --update"),
    (["sync", "specs"], 64, "Error: Missing expected argument '--kernel <kernel>'"),
    (
      ["sync", "--kernel", "tree-a", "--record", "specs/model.ept", "specs"], 65,
      "error: specs/model.ept: not a sync record: not valid JSON"
    ),
  ])
  func badInputGetsOneLineAndItsExitCode(arguments: [String], status: Int32, line: String) throws {
    let result = try EptCheckBinary.run(arguments, in: Self.fixture)
    #expect(result.status == status)
    #expect(result.stderr.split(separator: "\n").first.map(String.init) == line)
  }
}
