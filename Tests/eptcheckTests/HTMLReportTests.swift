import Foundation
import Testing

/// The HTML page leads with what is not as expected and links the summary to every trace.
/// (scripts/check-html renders pages in Chromium for what only a browser can tell: layout.)
@Suite struct HTMLReportTests {
  @Test func unexpectedFirstLinkedAndTheViolatingStepMarked() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let page = directory.appendingPathComponent("report.html").path
    let result = try EptCheckBinary.run([
      "Tests/eptcheckTests/Fixtures/new_kind.ept", "--format", "html", "--output", page,
    ])
    #expect(result.status == 1)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(!html.contains("<script"))
    // The table row links to the traces, the unexpected one first.
    let rows = html.components(separatedBy: "<tr class=\"").dropFirst().map {
      $0.prefix { $0 != "\"" }
    }
    #expect(rows == ["fail"])
    #expect(html.contains("<td><a href=\"#trace-0-1\">deadlock_and_lost_update</a></td>"))
    #expect(
      html.contains(
        "<a class=\"unexpected\" href=\"#trace-0-1\">assertion</a> <a class=\"expected\" href=\"#trace-0-2\">deadlock</a>"
      ))
    // The unexpected trace comes before the expected one, which says so.
    let first = try #require(
      html.range(of: "<section class=\"trace unexpected\" id=\"trace-0-1\">"))
    let second = try #require(html.range(of: "<section class=\"trace expected\" id=\"trace-0-2\">"))
    #expect(first.lowerBound < second.lowerBound)
    #expect(
      html.contains(
        "<h2>deadlock_and_lost_update: deadlock <span class=\"tag\">(as expected)</span></h2>"))
    // Both violations are raised by the final state: no step is marked; the deadlock names
    // who holds what each thread waits for.
    #expect(!html.contains("class=\"step violating\""))
    #expect(html.contains("<li>waits for <code>l1: held(t1)</code></li>"))
  }

  @Test func theStepThatRaisesTheViolationIsMarked() throws {
    let directory = try EptCheckBinary.temporaryDirectory()
    let page = directory.appendingPathComponent("report.html").path
    _ = try EptCheckBinary.run([
      "--kernel", "7.1", "--scenario", "s_a_nonleaf_before_link", "--format", "html", "--output",
      page,
    ])
    let html = try String(contentsOfFile: page, encoding: .utf8)
    let sections = html.components(separatedBy: "<section class=\"trace").dropFirst()
    #expect(sections.count == 4)
    for section in sections {
      #expect(section.components(separatedBy: "class=\"step violating\"").count == 2)
      let at = try #require(
        section.firstMatch(of: /at <a href="#(trace-0-\d-step-\d+)">step \d+<\/a>/))
      #expect(section.contains("<div class=\"step violating\" id=\"\(at.1)\""))
    }
    #expect(html.contains("<li><code>tdh_mem_page_aug() → TDX_EPT_WALK_FAILED</code></li>"))
  }
}
