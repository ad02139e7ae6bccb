import Foundation
import Testing

/// The documentation says what the tool does today: the README's walkthrough is what eptcheck
/// prints, every link resolves inside the repository, and docs/json.md names every field and
/// every enumerated value the JSON report writes.
@Suite struct DocsTests {
  static let root = EptCheckBinary.packageRoot

  static func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  /// Timings change from run to run; everything else in a report does not.
  static func withoutTimings(_ text: String) -> String {
    text.replacing(/\d+\.\d\ds/, with: "N.NNs")
  }

  /// README.md's counterexample is the output of the command it names, up to the end of the
  /// first trace (`scripts/readme-walkthrough` regenerates it).
  @Test func theReadmeWalkthroughIsCurrent() throws {
    let readme = try Self.read("README.md")
    let match = try #require(
      readme.firstMatch(
        of: /<!-- walkthrough: eptcheck (.*?) -->\n\n((?s).*?)\n<!-- end walkthrough -->/))
    let arguments = match.1.split(separator: " ").map(String.init)
    var block = match.2.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0)
    }
    while block.last == "" { block.removeLast() }
    #expect(block.first == "$ eptcheck " + arguments.joined(separator: " "))
    let result = try EptCheckBinary.run(arguments)
    #expect(result.status == 0)
    let printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    let shown = Array(block.dropFirst())
    #expect(shown.count > 40)
    #expect(
      Self.withoutTimings(shown.joined(separator: "\n"))
        == Self.withoutTimings(printed.prefix(shown.count).joined(separator: "\n")),
      "README.md's walkthrough is stale: run scripts/readme-walkthrough")
    // It ends where the first trace ends.
    #expect(printed.count > shown.count && printed[shown.count] == "")
  }

  /// The Markdown files a reader opens, except the generated kernel map.
  static let documents = [
    "README.md", "Sources/Spec/README.md", "docs/actors.md", "docs/corpus.md", "docs/json.md",
    "docs/kernel-sync.md", "docs/language.md", "docs/model.md", "docs/scale-out.md",
  ]

  /// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
  static func anchor(_ heading: String) -> String {
    String(
      heading.lowercased().compactMap { c -> Character? in
        if c == " " { return "-" }
        return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
      })
  }

  @Test(arguments: documents)
  func everyLinkResolvesInsideTheRepository(_ document: String) throws {
    let text = try Self.read(document)
    let directory = (document as NSString).deletingLastPathComponent
    var checked = 0
    for match in text.matches(of: /\]\(([^)\s]+)\)/) {
      let target = String(match.1)
      #expect(!target.hasPrefix("http"), "\(document): \(target) leaves the repository")
      let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
      let path =
        parts[0].isEmpty
        ? document : (directory as NSString).appendingPathComponent(String(parts[0]))
      let resolved = Self.root.appendingPathComponent(path).standardizedFileURL
      #expect(
        resolved.path.hasPrefix(Self.root.standardizedFileURL.path)
          && FileManager.default.fileExists(atPath: resolved.path),
        "\(document): \(target) does not resolve")
      if parts.count == 2, path.hasSuffix(".md"),
        let linked = try? String(contentsOf: resolved, encoding: .utf8)
      {
        let anchors = linked.split(separator: "\n").filter { $0.hasPrefix("#") }.map {
          Self.anchor(String($0.drop { $0 == "#" }.drop { $0 == " " }))
        }
        #expect(anchors.contains(String(parts[1])), "\(document): no heading for \(target)")
      }
      checked += 1
    }
    // Names of Markdown files in the prose are files of the repository too.
    for match in text.matches(of: /[A-Za-z_\/.-]*[A-Za-z_]\.md\b/) {
      let name = String(match.0)
      let candidates = [
        (directory as NSString).appendingPathComponent(name), name, "specs/" + name, "docs/" + name,
      ]
      #expect(
        candidates.contains {
          FileManager.default.fileExists(atPath: Self.root.appendingPathComponent($0).path)
        },
        "\(document) names \(name), which is not in the repository")
    }
    if document == "README.md" { #expect(checked >= 10) }
  }

  /// Every key every record of a real report carries, with nested objects as `parent.key`.
  static func keys(_ object: Any, prefix: String = "") -> Set<String> {
    var result: Set<String> = []
    if let dictionary = object as? [String: Any] {
      for (key, value) in dictionary {
        result.insert(key)
        result.formUnion(keys(value))
      }
    } else if let array = object as? [Any] {
      for element in array { result.formUnion(keys(element)) }
    }
    return result
  }

  @Test func jsonDocListsEveryFieldAndValueTheToolWrites() throws {
    let doc = try Self.read("docs/json.md")
    let directory = try EptCheckBinary.temporaryDirectory()
    var records: [[String: Any]] = []
    let runs: [[String]] = [
      ["--kernel", "7.1", "--scenario", "b1_zap_busy_vcpu_running", "--show-expected"],
      [
        "--kernel", "7.1", "--strategy", "dpor", "--depth", "12", "--jobs", "2", "--scenario",
        "b4_map_loop_on_dead_vm", "--require-complete",
      ],
      ["--shard", "1/2", "--strategy", "dpor", "--scenario", "two_faults_one_gfn"],
      ["Tests/eptcheckTests/Fixtures/new_kind.ept", "--hash-compaction"],
    ]
    for (k, arguments) in runs.enumerated() {
      let report = directory.appendingPathComponent("r\(k).jsonl").path
      _ = try EptCheckBinary.run(arguments + ["--format", "json", "--output", report])
      for line in try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n") {
        records.append(
          try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
      }
    }
    let interrupted = directory.appendingPathComponent("int.jsonl").path
    _ = try EptCheckBinary.run(
      [
        "--strategy", "dfs", "--format", "json", "--output", interrupted,
        "Tests/eptcheckTests/Fixtures/endless.ept",
      ],
      killAfter: 60, signal: (SIGINT, after: 1.5))
    for line in try String(contentsOfFile: interrupted, encoding: .utf8).split(separator: "\n") {
      records.append(
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
    }
    #expect(
      Set(records.compactMap { $0["kind"] as? String }) == [
        "run", "scenario", "violation", "summary",
      ])
    for key in Self.keys(records).sorted() {
      #expect(doc.contains("`\(key)`"), "docs/json.md does not name the field '\(key)'")
    }
    // The enumerated values, each named in backquotes.
    for field in ["kind", "strategy", "verdict"] {
      for value in Set(records.compactMap { $0[field] as? String }).sorted() {
        #expect(doc.contains("`\(value)`"), "docs/json.md does not name \(field) value '\(value)'")
      }
    }
    #expect(
      records.contains { $0["kind"] as? String == "run" && $0["strategy"] as? String == "auto" })
  }
}
