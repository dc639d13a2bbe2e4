// Tests of the procedurally drawn synthetic faces: determinism, value ranges and shapes, that
// identities behave like identities, and that offset identity ranges are disjoint.

import Foundation
import InvLabDatasets
import Testing

@Suite("Synthetic faces")
struct SyntheticFaceTests {
    @Test("The same seed gives identical pixels, another seed different ones")
    func deterministic() {
        let a = SyntheticFaces(identities: 3, imagesPerIdentity: 2, height: 40, width: 32, channels: 3, seed: 11)
        let first = a.generate(), second = a.generate()
        #expect(first.images == second.images)
        var other = a
        other.seed = 12
        #expect(other.generate().images.scalars != first.images.scalars)
        // Rendering one image on its own gives the same pixels as the parallel batch.
        let size = 3 * 40 * 32
        #expect(Array(first.images.scalars[(3 * size)..<(4 * size)]) == a.image(identity: 1, image: 1))
    }

    @Test("SplitMix64 matches its reference output")
    func splitMixReference() {
        // First outputs of the reference SplitMix64 for seed 0 (Vigna's splitmix64.c).
        var rng = SyntheticFaceRandom(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("Values lie in [0, 1] and shapes are N x C x H x W", arguments: [
        (32, 32, 1), (64, 64, 3), (112, 92, 1), (112, 92, 3), (112, 112, 1), (20, 48, 3),
    ])
    func shapesAndRange(size: (Int, Int, Int)) {
        let (height, width, channels) = size
        let set = SyntheticFaces(identities: 2, imagesPerIdentity: 3, height: height, width: width,
                                 channels: channels, seed: 3)
        let batch = set.generate()
        #expect(batch.images.shape == [6, channels, height, width])
        #expect(batch.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(batch.labels == [0, 0, 0, 1, 1, 1])
        // Not a blank image: a face has dark and light parts.
        let pixels = batch.images.scalars
        #expect((pixels.max() ?? 0) - (pixels.min() ?? 0) > 0.3)
    }

    @Test("Everything is labelled synthetic")
    func namedSynthetic() {
        let set = SyntheticFaces(identities: 3, imagesPerIdentity: 1, height: 16, width: 16, identityOffset: 1000)
        #expect(SyntheticFaces.isSynthetic && set.isSynthetic && set.generate().isSynthetic)
        #expect(set.classNames == ["synthetic-1000", "synthetic-1001", "synthetic-1002"])
        #expect(SyntheticFaces.className(forGlobalIdentity: 7) == "synthetic-007")
    }

    @Test("A nearest-centroid classifier on pixels recognises identities; images of one identity differ")
    func identitiesAreRecognisable() {
        let identities = 10, images = 10, height = 56, width = 46
        let set = SyntheticFaces(identities: identities, imagesPerIdentity: images, height: height, width: width,
                                 channels: 1, seed: 2024)
        let batch = set.generate()
        let size = height * width
        func image(_ n: Int) -> ArraySlice<Float> { batch.images.scalars[(n * size)..<((n + 1) * size)] }
        func squaredDistance(_ a: ArraySlice<Float>, _ b: [Float]) -> Float {
            zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }

        var centroids: [[Float]] = []
        for identity in 0..<identities {
            var sum = [Float](repeating: 0, count: size)
            for k in 0..<5 {
                for (i, v) in image(identity * images + k).enumerated() { sum[i] += v / 5 }
            }
            centroids.append(sum)
        }
        var correct = 0
        for identity in 0..<identities {
            for k in 5..<images {
                let x = image(identity * images + k)
                let distances = centroids.map { squaredDistance(x, $0) }
                if distances.firstIndex(of: distances.min()!) == identity { correct += 1 }
            }
        }
        let accuracy = Float(correct) / Float(identities * (images - 5))
        #expect(accuracy > 0.9, "nearest-centroid accuracy \(accuracy)")

        // Within-identity variation: no two images of an identity are equal, and they differ visibly.
        for identity in 0..<identities {
            let a = image(identity * images), b = Array(image(identity * images + 1))
            #expect(squaredDistance(a, b) / Float(size) > 1e-4)
        }
    }

    @Test("variationStrength 0 renders every image of an identity identically")
    func noVariation() {
        let set = SyntheticFaces(identities: 2, imagesPerIdentity: 3, height: 30, width: 24, seed: 4,
                                 variationStrength: 0)
        #expect(set.image(identity: 1, image: 0) == set.image(identity: 1, image: 2))
        #expect(set.image(identity: 0, image: 0) != set.image(identity: 1, image: 0))
    }

    @Test("identityOffset selects identities disjoint from the unshifted ones")
    func offsetIdentitiesAreDisjoint() {
        let plain = SyntheticFaces(identities: 10, imagesPerIdentity: 1, height: 28, width: 24, seed: 5)
        var decoy = plain
        decoy.identityOffset = 10
        for i in 0..<10 {
            for j in 0..<10 {
                #expect(decoy.parameters(identity: i) != plain.parameters(identity: j))
            }
        }
        #expect(Set(decoy.classNames).isDisjoint(with: plain.classNames))
        // The offset only renames the global identity: class i of the decoy set is identity 10 + i.
        let wide = SyntheticFaces(identities: 20, imagesPerIdentity: 1, height: 28, width: 24, seed: 5)
        #expect(decoy.parameters(identity: 3) == wide.parameters(identity: 13))
        #expect(decoy.image(identity: 3, image: 0) == wide.image(identity: 13, image: 0))
        #expect(decoy.image(identity: 3, image: 0) != plain.image(identity: 3, image: 0))
    }

    @Test("Identity traits are deterministic and spread")
    func parametersSpread() {
        let faces = (0..<40).map { SyntheticFaceParameters(identity: $0, seed: 9) }
        #expect(faces == (0..<40).map { SyntheticFaceParameters(identity: $0, seed: 9) })
        #expect(Set(faces.map(\.hairStyle)).count == SyntheticHairStyle.allCases.count)
        let tones = faces.map(\.skin.luminance)
        #expect(tones.max()! - tones.min()! > 0.4)
    }

    /// True in optimised builds, where the generation-speed requirement applies.
    static var isOptimized: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }

    @Test("40 identities x 10 images at 112 x 92 take well under a second (release builds)",
          .enabled(if: SyntheticFaceTests.isOptimized, "a timing check: it runs in release builds only (swift test -c release)"))
    func generationSpeed() {
        let set = SyntheticFaces(identities: 40, imagesPerIdentity: 10, height: 112, width: 92, seed: 1)
        let start = Date()
        let batch = set.generate()
        let seconds = Date().timeIntervalSince(start)
        #expect(batch.images.shape == [400, 1, 112, 92])
        #expect(seconds < 1, "generation took \(seconds) s")
    }
}
