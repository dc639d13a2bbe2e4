import InvLabSpec
import Testing

/// YAML 1.2 core-schema resolution of plain scalars, and quoting/tags forcing strings.
@Suite("Core schema scalar resolution")
struct ScalarResolutionTests {
    @Test("plain scalars resolve with the YAML 1.2 core schema", arguments: [
        ("null", ScalarValue.null), ("Null", .null), ("NULL", .null), ("~", .null), ("", .null),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)), ("false", .bool(false)),
        ("FALSE", .bool(false)),
        ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")), ("off", .string("off")),
        ("y", .string("y")), ("tRue", .string("tRue")),
        ("0", .int(0)), ("42", .int(42)), ("-17", .int(-17)), ("+5", .int(5)), ("007", .int(7)),
        ("0x10", .int(16)), ("0xfF", .int(255)), ("0o17", .int(15)), ("0o18", .string("0o18")),
        ("0x", .string("0x")), ("-0x10", .string("-0x10")), ("1_000", .string("1_000")),
        ("1e3", .float(1000)), ("1.5", .float(1.5)), (".5", .float(0.5)), ("1.", .float(1)),
        ("-2.5e-3", .float(-0.0025)), ("+1E+2", .float(100)), (".inf", .float(.infinity)),
        ("-.Inf", .float(-.infinity)), ("+.INF", .float(.infinity)), ("inf", .string("inf")),
        (".", .string(".")), ("1e", .string("1e")), ("e3", .string("e3")), ("0.1.2", .string("0.1.2")),
        ("abc", .string("abc")), ("1 2", .string("1 2")),
    ])
    func plainScalar(text: String, expected: ScalarValue) {
        #expect(ScalarValue(resolvingPlain: text) == expected)
    }

    @Test("NaN spellings resolve to NaN")
    func nan() {
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .float(let value) = ScalarValue(resolvingPlain: text) else {
                Issue.record("\(text) did not resolve to a float")
                continue
            }
            #expect(value.isNaN)
        }
        #expect(ScalarValue(resolvingPlain: "nan") == .string("nan"))
    }
}
