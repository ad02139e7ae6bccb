import Explorer
import Foundation
import Spec
import Testing

/// Release overlays (`releases/<name>/`): the base models mainline, an overlay's overrides make it
/// an older release, and a variant runs on the release its `variant of` names.
@Suite struct ReleaseOverlayTests {
  static let base = """
    shared int x;
    @kernel("virt/kvm/kvm_main.c", "bump")
    void bump() { atomic { x = x + 1; } }
    scenario base_ok { thread t = bump(); finally { assert(x == 1); } expect ok; }
    """
  /// Release 1.0 bumps by two, in a plain read and write.
  static let old = """
    variant of "../..";
    @kernel("virt/kvm/kvm_main.c", "bump_by_two")
    override void bump() { x = x + 2; }
    scenario old_only { thread t = bump(); finally { assert(x == 2); } expect ok; }
    """
  /// Release 0.9 is 1.0 with one more function.
  static let older = """
    variant of "../1.0";
    void helper() { bump(); }
    """
  static let bug = """
    variant of "../releases/1.0";
    scenario lost_bump { thread a = bump(); thread b = bump(); finally { assert(x == 4); } expect violation assertion; }
    """

  /// Writes the tree and returns its root; the caller removes it.
  static func tree(extra: [(String, String)] = []) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ept-\(UInt32.random(in: 0...UInt32.max))"
    ).path
    for (path, text) in [
      ("main.ept", base), ("releases/1.0/main.ept", old), ("releases/0.9/extra.ept", older),
      ("bugs/lost.ept", bug),
    ] + extra {
      let file = root + "/" + path
      try FileManager.default.createDirectory(
        atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: file, atomically: true, encoding: .utf8)
    }
    return root
  }

  static func passes(_ spec: LoadedSpec, _ name: String) throws -> [String] {
    let scenario = try #require(spec.scenario(named: name))
    let result = try Explorer.explore(
      spec.system(for: scenario), configuration: Configuration(strategy: .dpor, shrink: false))
    return Set(result.counterexamples.map(\.violation.kind)).sorted()
  }

  @Test func eachReleaseRunsItsOwnScenariosAndBugs() throws {
    let root = try Self.tree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(LoadedSpec.releases(in: [root]) == ["1.0", "0.9"])

    let mainline = try LoadedSpec.load(paths: [root])
    #expect(mainline.scenarios.map(\.name) == ["base_ok"])
    #expect(try Self.passes(mainline, "base_ok") == [])

    // On 1.0 the base scenario sees the overridden bump, which adds two: its check fails.
    let release = try LoadedSpec.load(paths: [root], kernel: "1.0")
    #expect(release.scenarios.map(\.name) == ["lost_bump", "base_ok", "old_only"])
    #expect(try Self.passes(release, "base_ok") == ["assertion"])
    #expect(try Self.passes(release, "old_only") == [])
    #expect(try Self.passes(release, "lost_bump") == ["assertion", "race"])

    // 0.9 inherits 1.0's override and scenarios; 1.0's bug is not 0.9's.
    let older = try LoadedSpec.load(paths: [root], kernel: "0.9")
    #expect(older.scenarios.map(\.name) == ["base_ok", "old_only"])
    #expect(try Self.passes(older, "old_only") == [])
    #expect(try LoadedSpec.load(paths: [root], kernel: LoadedSpec.mainline).scenarios.count == 1)
  }

  /// A bug named on its own runs on its release, whatever --kernel says.
  @Test func aNamedVariantRunsOnItsRelease() throws {
    let root = try Self.tree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    for kernel in [nil, "0.9"] {
      let spec = try LoadedSpec.load(paths: [root + "/bugs/lost.ept"], kernel: kernel)
      #expect(spec.scenarios.map(\.name) == ["lost_bump"])
      #expect(try Self.passes(spec, "lost_bump") == ["assertion", "race"])
    }
  }

  @Test(arguments: [
    (
      "releases/1.0/plain.ept", "shared int y;",
      "releases/1.0/plain.ept:1:1: error: a file of a release overlay must start with 'variant of \"...\";' naming the release it changes"
    ),
    (
      "releases/1.0/more.ept", "variant of \"../..\";\noverride void zap() {}",
      "releases/1.0/more.ept:2:15: error: 'override' of unknown function 'zap': the release this overlay changes defines no such function"
    ),
    (
      "releases/1.0/other.ept", "variant of \"../0.9\";",
      "releases/1.0/other.ept:1:1: error: the files of a release overlay must name one base"
    ),
  ])
  func overlayMistakes(_ path: String, _ text: String, _ message: String) throws {
    let root = try Self.tree(extra: [(path, text)])
    defer { try? FileManager.default.removeItem(atPath: root) }
    do {
      _ = try LoadedSpec.load(paths: [root], kernel: "1.0")
      Issue.record("loaded")
    } catch {
      let first = error.description.split(separator: "\n").first.map(String.init) ?? ""
      #expect(first.hasPrefix(root + "/" + message), "\(first)")
    }
  }

  @Test func anUnknownReleaseIsAnError() throws {
    let root = try Self.tree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    do {
      _ = try LoadedSpec.load(paths: [root], kernel: "2.0")
      Issue.record("loaded")
    } catch {
      #expect(
        error.errors.map(\.message) == [
          "unknown kernel release '2.0': the loaded specs have no releases/2.0/ overlay"
        ])
    }
  }
}
