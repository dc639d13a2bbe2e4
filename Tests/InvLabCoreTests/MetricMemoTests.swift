import InvLabCore
import Testing

@Suite struct MetricMemoTests {
    @Test("A value is computed once per key; other keys compute their own")
    func computesOncePerKey() {
        let memo = MetricMemo()
        var calls = 0
        func features(_ key: String, _ value: [Float]) -> [Float] {
            memo.value(key) { calls += 1; return value }
        }
        #expect(features("private_train:features:0", [1, 2]) == [1, 2])
        #expect(features("private_train:features:0", [9, 9]) == [1, 2])
        #expect(features("private_train:features:1", [3]) == [3])
        #expect(calls == 2)
    }

    @Test("A failing computation stores nothing and is retried")
    func failureIsNotStored() throws {
        struct Failure: Error {}
        let memo = MetricMemo()
        #expect(throws: Failure.self) { _ = try memo.value("k") { () throws -> Int in throw Failure() } }
        #expect(memo.value("k") { 7 } == 7)
    }
}
