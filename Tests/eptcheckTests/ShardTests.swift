import Foundation
import Testing

/// `--shard I/N` and `eptcheck merge`: the shards of a run, merged, give the single run's
/// verdicts and counts, for N = 1 to 4.
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

  @Test(arguments: [["--depth", "12"], ["--strategy", "dpor", "--depth", "12"]], 1...4)
  func mergedShardsEqualOneRun(options: [String], shards: Int) throws {
    let whole = try EptCheckBinary.run(options + ["--format", "json"])
    let single = Self.scenarios(whole.stdout)
    let directory = try EptCheckBinary.temporaryDirectory()
    var paths: [String] = []
    var seen: Set<String> = []
    for index in 1...shards {
      let path = directory.appendingPathComponent("shard\(index).jsonl").path
      let shard = try EptCheckBinary.run(
        options + ["--shard", "\(index)/\(shards)", "--format", "json", "--output", path])
      #expect(shard.status == 0 || shard.status == 1)
      let names = Set(Self.scenarios(try String(contentsOfFile: path, encoding: .utf8)).keys)
      #expect(seen.isDisjoint(with: names), "a scenario in two shards")
      seen.formUnion(names)
      paths.append(path)
    }
    #expect(seen == Set(single.keys))
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
    _ = try EptCheckBinary.run(["--depth", "12", "--shard", "1/2", "--format", "json", "--output", path])
    let merged = try EptCheckBinary.run(["merge", path, path])
    #expect(merged.status == 65)
    #expect(merged.stderr == "error: the reports check some scenario twice: they are not shards of one run\n")
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
