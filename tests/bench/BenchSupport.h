#pragma once

// What the benchmark tools share: the phantom volume they render, quantiles of frame times, the off-screen
// window and the JSON result line against a bare VTK peer.

#include "dokuei/phantom/PhantomSpec.h"
#include "dokuei/viewer/core/Volume.h"

#include <memory>
#include <string>
#include <vector>

#include <vtkSmartPointer.h>

class vtkImageData;
class vtkRenderWindow;
class vtkRenderer;

namespace dokuei::security {
class WipeRegistry;
}

namespace dokuei::bench {

/// The q-quantile (0..1) of `values`, interpolated linearly between the two nearest ranks; 0 when empty.
double quantile(std::vector<double> values, double q);

/// The chest phantom's spec on a size x size x slices grid (the preset's spacing: 0.7 x 0.7 x 1 mm).
phantom::PhantomSpec chestSpec(int size, int slices);

/// The phantom of `spec` filled straight into a secure Volume (two threads), geometry as the assembler would
/// give it; registered with `registry` when given. Null (after a message on stderr, prefixed "[tag]") when
/// the volume cannot be allocated.
std::unique_ptr<viewer::Volume> makePhantomVolume(const phantom::PhantomSpec& spec, const char* tag,
                                                  security::WipeRegistry* registry = nullptr);

/// The bare programs' own copy of the voxels: a plain vtkImageData (columns x rows x slices, the volume's
/// spacing, origin 0) with the HU as VTK_SHORT.
vtkSmartPointer<vtkImageData> copyVoxels(const viewer::Volume& volume);

/// An off-screen size x size render window, on `display` (an X connection to share) and with `renderer`
/// added when given.
vtkSmartPointer<vtkRenderWindow> makeOffscreenWindow(int size, vtkRenderer* renderer = nullptr,
                                                     void* display = nullptr);

/// printf into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// Prints one JSON line of a time against a peer's:
///   {"name":"<name>","value":<value>,"unit":"ms","peer":"<peer>","peer_value":<peerValue>,
///    "ratio":<value / peerValue>,<fields>}
/// with the numbers at 3 decimals; `fields` are the object's further members, already JSON.
void printPeerLine(const char* name, double value, const std::string& peer, double peerValue,
                   const std::string& fields);

} // namespace dokuei::bench
