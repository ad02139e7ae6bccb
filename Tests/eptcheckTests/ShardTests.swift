import Foundation
import Testing

/// `--shard I/N` and `eptcheck merge`: the shards of a run, merged, give the verdicts and counts
/// of the split run on several threads, for N = 1 to 4, and the verdicts of the whole search on
/// one; every `--jobs N` above 1 gives the counts of `--jobs 2`, and `--jobs 1` (the whole search,
/// optimal) the same verdicts.
@Suite struct ShardTests {
  static func scenarios(_ jsonl: String) -> [String: [String: Any]] {
    var result: [String: [String: Any]] = [:]
    for line in jsonl.split(separator: "\n") {
      let record = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      if record["kind"] as? String == "scenario" { result[record["name"] as! String] = record }
    }
    return result
  }

  static func executions(_ record: [String: Any]) -> Int {
    (record["statistics"] as! [String: Any])["executions"] as! Int
  }

  /// The hand-written scenarios: the synthesized ones add nothing to sharding but time.
  @Test(
    arguments: [
      ["--synthesize", "none", "--depth", "12"],
      ["--synthesize", "none", "--strategy", "dpor", "--depth", "12"],
    ], 1...4)
  func mergedShardsEqualOneRun(options: [String], shards: Int) throws {
    // One process, split into the same subtrees as the shards (two threads); and the whole search.
    let whole = try EptCheckBinary.run(options + ["--jobs", "2", "--format", "json"])
    let single = Self.scenarios(whole.stdout)
    let unsplit = Self.scenarios(try EptCheckBinary.run(options + ["--format", "json"]).stdout)
    #expect(
      unsplit.mapValues { $0["verdict"] as? String }
        == single.mapValues { $0["verdict"] as? String })
    let directory = try EptCheckBinary.temporaryDirectory()
    var paths: [String] = []
    var seen: Set<String> = []
    var parts: [String: [String]] = [:]
    for index in 1...shards {
      let path = directory.appendingPathComponent("shard\(index).jsonl").path
      let shard = try EptCheckBinary.run(
        options + ["--shard", "\(index)/\(shards)", "--format", "json", "--output", path])
      // 2 too: under dpor a bug variant whose livelock is only a loop bound is inconclusive.
      #expect([0, 1, 2].contains(shard.status))
      let records = Self.scenarios(try String(contentsOfFile: path, encoding: .utf8))
      // A dpor scenario is split among the shards; a stateful one is checked whole by one.
      let whole = Set(records.filter { $0.value["part"] == nil }.keys)
      #expect(seen.isDisjoint(with: whole), "a scenario checked whole in two shards")
      seen.formUnion(whole)
      for (name, record) in records {
        if let part = record["part"] as? String { parts[name, default: []].append(part) }
      }
      paths.append(path)
    }
    for (name, held) in parts {
      #expect(held == (1...shards).map { "\($0)/\(shards)" }, "\(name)")
    }
    #expect(seen.union(parts.keys) == Set(single.keys))
    #expect(seen.isDisjoint(with: parts.keys))
    if options.contains("dpor") { #expect(seen.isEmpty == (shards > 1)) }
    let merged = try EptCheckBinary.run(["merge", "--format", "json"] + paths)
    #expect(merged.status == whole.status)
    let combined = Self.scenarios(merged.stdout)
    #expect(Set(combined.keys) == Set(single.keys))
    for (name, record) in single {
      let other = try #require(combined[name])
      #expect(Self.executions(other) == Self.executions(record), "\(name)")
      #expect(other["verdict"] as? String == record["verdict"] as? String, "\(name)")
    }
    let summary = merged.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(summary.contains("\"scenarios\":\(single.count)"))
  }

  @Test func mergingTheSameShardTwiceIsRefused() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let path = directory.appendingPathComponent("shard.jsonl").path
    _ = try EptCheckBinary.run([
      "--depth", "12", "--shard", "1/2", "--format", "json", "--output", path,
    ])
    let first = try #require(
      String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        .first { $0.contains("\"kind\":\"scenario\"") })
    let name = try #require(Self.scenarios(String(first)).keys.first)
    let merged = try EptCheckBinary.run(["merge", path, path])
    #expect(merged.status == 65)
    #expect(
      merged.stderr
        == "error: the reports check scenario '\(name)' twice: they are not shards of one run\n")
  }

  @Test func mergingAPartTwiceIsRefused() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let one = directory.appendingPathComponent("one.jsonl").path
    let options = [
      "--strategy", "dpor", "--depth", "6", "--scenario", "two_faults_one_gfn", "--format", "json",
    ]
    _ = try EptCheckBinary.run(options + ["--shard", "1/3", "--output", one])
    let merged = try EptCheckBinary.run(["merge", one, one])
    #expect(merged.status == 65)
    #expect(
      merged.stderr
        == "error: scenario 'two_faults_one_gfn' needs each of its parts exactly once; the reports hold 1/3, 1/3\n"
    )
  }

  /// A shard's part of a scenario says `partial` and exits 0 unless it decides the scenario.
  @Test func aPartIsPartial() throws {
    let part = try EptCheckBinary.run(
      [
        "--strategy", "dpor", "--depth", "12", "--scenario", "two_faults_one_gfn", "--shard", "2/2",
        "--format", "json",
      ])
    #expect(part.status == 0)
    let record = try #require(Self.scenarios(part.stdout)["two_faults_one_gfn"])
    #expect(record["verdict"] as? String == "partial")
    #expect(record["part"] as? String == "2/2")
    #expect(record["reason"] as? String == "part 2/2: the verdict needs every part, merged")
  }

  /// Every count but the time, per scenario, and the verdicts.
  static func counts(_ jsonl: String) -> [String: String] {
    Self.scenarios(jsonl).mapValues { record in
      var statistics = record["statistics"] as! [String: Any]
      statistics["elapsed"] = nil
      return "\(record["verdict"]!) \(statistics.sorted { $0.key < $1.key })"
    }
  }

  @Test(arguments: [
    ["--synthesize", "none", "--depth", "12"],
    ["--synthesize", "none", "--strategy", "dpor", "--depth", "12"],
    ["--synthesize", "none", "--strategy", "dfs", "--depth", "7"],
  ])
  func jobsChangeNoCount(options: [String]) throws {
    let one = try EptCheckBinary.run(options + ["--format", "json"])
    let two = try EptCheckBinary.run(options + ["--jobs", "2", "--format", "json"])
    #expect(two.status == one.status)
    #expect(Self.verdicts(two.stdout) == Self.verdicts(one.stdout))
    let three = try EptCheckBinary.run(options + ["--jobs", "3", "--format", "json"])
    #expect(three.status == one.status)
    #expect(Self.counts(three.stdout) == Self.counts(two.stdout), "--jobs 3")
  }

  static func verdicts(_ jsonl: String) -> [String: String] {
    Self.scenarios(jsonl).mapValues { "\($0["verdict"]!)" }
  }

  @Test func aReportThatIsNotJSONLinesIsRefused() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let path = directory.appendingPathComponent("report.txt").path
    try "pass two_faults_one_gfn\n".write(toFile: path, atomically: true, encoding: .utf8)
    let merged = try EptCheckBinary.run(["merge", path])
    #expect(merged.status == 65)
    #expect(merged.stderr == "error: \(path):1: not an eptcheck JSON Lines record\n")
  }
}
