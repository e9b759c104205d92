/** The demo project's screenplay, in Fountain, so a first-time user sees a working studio. */
export const DEMO_SCRIPT = `Title: The Lighthouse Keeper
Credit: written by
Author: The Clapboard Team

EXT. ROCKY COAST - DAWN

Waves break against black rocks. A white LIGHTHOUSE stands against a pink sky.

MARA (60s, weathered, bright-eyed) climbs the path with a lantern.

MARA
Another morning, old friend.

INT. LIGHTHOUSE - LAMP ROOM - DAY

Brass gears turn. Mara polishes the great lens. A radio crackles.

RADIO (V.O.)
Storm warning for the northern coast. All vessels return to harbour.

MARA
(to herself)
Not all of them will hear it.

EXT. OPEN SEA - NIGHT

A small fishing boat pitches in the storm. The lighthouse beam sweeps across the water.

TOMAS
There! The light!

FADE OUT.
`;

export const DEMO_SCENES = [
  { heading: 'EXT. ROCKY COAST - DAWN', shot: 'wide', camera: 'pan-right', durationSec: 6 },
  { heading: 'INT. LIGHTHOUSE - LAMP ROOM - DAY', shot: 'medium', camera: 'zoom-in', durationSec: 8 },
  { heading: 'EXT. OPEN SEA - NIGHT', shot: 'wide', camera: 'static', durationSec: 5 },
] as const;
