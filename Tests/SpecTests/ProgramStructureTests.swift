import Explorer
import Foundation
import Spec
import Testing

/// Multi-file specs, variants that override base functions, and loading from disk.
@Suite struct ProgramStructureTests {
  static let base = """
    spinlock l;
    shared int x;
    @kernel("virt/kvm/kvm_main.c", "bump")
    void bump() {
        spin_lock(&l);
        x = x + 1;
        spin_unlock(&l);
    }
    scenario base_ok {
        thread t0 = bump();
        thread t1 = bump();
        finally { assert(x == 2); }
        expect ok;
    }
    """

  static let helpers = """
    int twice(int v) { return 2 * v; }
    """

  static let buggy = """
    variant of "../upstream";
    // The bug: the lock was dropped.
    override void bump() {
        x = x + twice(1) - 1;
    }
    scenario lost_bump {
        thread t0 = bump();
        thread t1 = bump();
        finally { assert(x == 2); }
        expect violation assertion;
    }
    """

  static func kinds(_ spec: LoadedSpec, _ name: String) throws -> [String] {
    let info = try #require(spec.scenario(named: name))
    let result = try Explorer.explore(
      spec.system(for: info), configuration: Configuration(strategy: .dpor))
    return result.counterexamples.map(\.violation.kind)
  }

  @Test func variantOverridesOnlyItsOwnProgram() throws {
    let spec = try LoadedSpec.load(sources: [
      ("specs/variants/buggy.ept", Self.buggy),
      ("specs/upstream/main.ept", Self.base),
      ("specs/upstream/helpers.ept", Self.helpers),
    ])
    #expect(spec.scenarios.map(\.name) == ["base_ok", "lost_bump"])
    #expect(spec.scenarios.map(\.program) == ["base", "specs/variants/buggy.ept"])
    #expect(try Self.kinds(spec, "base_ok") == [])
    #expect(try Set(Self.kinds(spec, "lost_bump")) == ["assertion", "race"])
  }

  @Test(arguments: [
    (
      "variant of \"../upstream\";\nvoid bump() {}",
      "specs/variants/v.ept:2:6: error: 'bump' is already defined in the base at specs/upstream/main.ept:4:6; mark it 'override' to replace it"
    ),
    (
      "variant of \"../upstream\";\noverride void zap() {}",
      "specs/variants/v.ept:2:15: error: 'override' of unknown function 'zap': the base defines no such function"
    ),
    (
      "variant of \"../nowhere\";\nvoid g() {}",
      "specs/variants/v.ept:1:1: error: variant base '../nowhere' not found: no loaded non-variant .ept file is at or under 'specs/nowhere'"
    ),
    (
      "variant of \"../upstream\";\nvoid g() {}\nscenario base_ok { thread t = g(); expect ok; }",
      "specs/variants/v.ept:3:10: error: duplicate scenario name 'base_ok' (also at specs/upstream/main.ept:9:10)"
    ),
  ])
  func variantMistakes(_ variant: String, _ expected: String) throws {
    do {
      _ = try LoadedSpec.load(sources: [
        ("specs/upstream/main.ept", Self.base), ("specs/variants/v.ept", variant),
      ])
      Issue.record("loaded")
    } catch {
      #expect(error.errors.first.map { $0.rendered.components(separatedBy: "\n")[0] } == expected)
    }
  }

  @Test func namesAreUniqueAcrossBaseFiles() throws {
    do {
      _ = try LoadedSpec.load(sources: [("a.ept", "shared int x;"), ("b.ept", "shared int x;")])
      Issue.record("loaded")
    } catch {
      #expect(
        error.errors.map(\.message) == [
          "'x' is already declared as a shared variable at a.ept:1:12"
        ])
      #expect(error.errors.first?.location == SourceLocation(file: "b.ept", line: 1, column: 12))
    }
  }

  @Test func renderedDiagnosticHasLineAndCaret() throws {
    do {
      _ = try LoadedSpec.load(source: "void f() {\n    y = 1;\n}\n", file: "x.ept")
      Issue.record("loaded")
    } catch {
      #expect(error.description == "x.ept:2:5: error: unknown name 'y'\n    y = 1;\n    ^")
    }
  }

  @Test func loadsDirectoriesFromDisk() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ept-\(UInt32.random(in: 0...UInt32.max))"
    ).path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(
      atPath: root + "/upstream", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: root + "/variants", withIntermediateDirectories: true)
    try Self.base.write(toFile: root + "/upstream/main.ept", atomically: true, encoding: .utf8)
    try Self.helpers.write(
      toFile: root + "/upstream/helpers.ept", atomically: true, encoding: .utf8)
    try Self.buggy.write(toFile: root + "/variants/buggy.ept", atomically: true, encoding: .utf8)
    try "not a spec".write(toFile: root + "/README.md", atomically: true, encoding: .utf8)

    let all = try LoadedSpec.load(paths: [root])
    #expect(all.scenarios.map(\.name) == ["base_ok", "lost_bump"])

    // Naming only the variant loads its base from disk but runs only the variant's scenarios.
    let variantOnly = try LoadedSpec.load(paths: [root + "/variants/buggy.ept"])
    #expect(variantOnly.scenarios.map(\.name) == ["lost_bump"])
    #expect(try Set(Self.kinds(variantOnly, "lost_bump")) == ["assertion", "race"])

    do {
      _ = try LoadedSpec.load(paths: [root + "/missing.ept"])
      Issue.record("loaded")
    } catch {
      #expect(error.description == "\(root)/missing.ept:0:0: error: no such file or directory")
    }
    try FileManager.default.createDirectory(
      atPath: root + "/empty", withIntermediateDirectories: true)
    do {
      _ = try LoadedSpec.load(paths: [root + "/empty"])
      Issue.record("loaded")
    } catch {
      #expect(error.errors.map(\.message) == ["directory contains no .ept files"])
    }
  }

  @Test func warningsForSuspiciousCode() throws {
    let spec = try LoadedSpec.load(
      source: """
        shared int x;
        int f() {
            int unused = 1;
            return 0;
            WRITE_ONCE(x, 1);
        }
        void g() { int x = 2; x; }
        void h(int v) { atomic { v = v + 1; } await (v > 0); }
        scenario s { thread t = f(); expect ok; }
        """, file: "w.ept")
    #expect(
      spec.warnings.map { "\($0.location.line):\($0.location.column): \($0.message)" } == [
        "3:9: local variable 'unused' is never read",
        "5:5: this statement is never executed",
        "7:16: local variable 'x' shadows the shared variable 'x'",
        "7:23: expression result is unused",
        "8:17: 'atomic' block touches no shared state",
        "8:39: 'await' condition reads no shared state: once false it stays false",
      ])
  }
}

@Test func foreignScenarioGivesAnEmptySystem() throws {
  let spec = try LoadedSpec.load(sources: [])
  #expect(spec.scenarios.isEmpty)
  let info = ScenarioInfo(
    name: "nope", location: SourceLocation(file: "x", line: 0, column: 0), expectation: .ok,
    threadNames: [], program: "base")
  let system = spec.system(for: info)
  #expect(system.threadCount == 0)
  #expect(system.checkFinal(system.initialState) == nil)
}

@Test func incrementShowsAsWritten() throws {
  let spec = try LoadedSpec.load(
    source: "shared int x;\nvoid f() { x++; }\nscenario s { thread t = f(); expect ok; }",
    file: "i.ept")
  // Alone, the thread's accesses are invisible steps: keep them as steps to see how they show.
  let system = spec.system(for: spec.scenarios[0], invisibleSteps: false)
  var state = system.initialState
  #expect(system.stepInfo(of: 0, in: state)?.operation == "x")
  _ = system.execute(thread: 0, choice: 0, in: &state)
  #expect(system.stepInfo(of: 0, in: state)?.operation == "x++")
  #expect(system.stepInfo(of: 0, in: state)?.access == .plain)
}
