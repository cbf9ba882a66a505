"""Drawings of the real Quick, Draw! classes as a person makes them with a mouse on the 400×400 canvas: strokes
of integer window positions, a few pixels apart, in the order people draw them."""

import math


def line(a, b, n=12):
    return [(round(a[0] + (b[0] - a[0]) * i / n), round(a[1] + (b[1] - a[1]) * i / n)) for i in range(n + 1)]


def path(*corners, n=12):
    """One stroke through the corners."""
    points = [corners[0]]
    for a, b in zip(corners[:-1], corners[1:]):
        points += line(a, b, n)[1:]
    return points


def arc(centre, rx, ry, start=0.0, end=360.0, n=40):
    """Angles in degrees, clockwise from the top."""
    steps = [start + (end - start) * i / n for i in range(n + 1)]
    return [(round(centre[0] + rx * math.sin(math.radians(a))), round(centre[1] - ry * math.cos(math.radians(a))))
            for a in steps]


APPLE = [  # a round body dented at the top, a stem, a leaf
    arc((200, 235), 135, 125, 12, 348),
    path((200, 115), (205, 60)),
    arc((245, 80), 35, 18, 200, 520, 20),
]
FISH = [  # an oval body, a triangle tail, an eye
    arc((175, 200), 135, 75),
    path((305, 200), (375, 135), (375, 265), (305, 200)),
    arc((95, 185), 8, 8, n=10),
]
EYE = [  # the almond outline, the iris, the pupil
    path(*arc((200, 300), 190, 170, -68, 68, 20)),
    path(*arc((200, 100), 190, 170, 112, 248, 20)),
    arc((200, 200), 62, 62),
    arc((200, 200), 18, 18, n=16),
]
CAT = [  # a round head, two ears, eyes, a nose, whiskers
    arc((200, 230), 130, 115),
    path((105, 150), (115, 45), (175, 118)),
    path((225, 118), (285, 45), (295, 150)),
    arc((155, 210), 10, 12, n=12),
    arc((245, 210), 10, 12, n=12),
    path((190, 255), (210, 255), (200, 268), (190, 255)),
    path((150, 270), (40, 255)), path((150, 282), (40, 300)),
    path((250, 270), (360, 255)), path((250, 282), (360, 300)),
]
BICYCLE = [  # two wheels, the frame, the seat and the handlebar
    arc((95, 270), 75, 75),
    arc((305, 270), 75, 75),
    path((95, 270), (170, 160), (285, 160), (305, 270)),
    path((170, 160), (200, 270), (285, 160)),
    path((150, 130), (195, 130)),
    path((285, 160), (275, 115), (310, 105)),
]
DIAMOND = [  # a cut gem: the table, the crown, the pavilion to its point, the girdle line
    path((130, 90), (270, 90), (350, 165), (200, 345), (50, 165), (130, 90)),
    path((50, 165), (350, 165)),
]

def bumpy(centre, rx, ry, bumps, start=0.0, end=360.0, n=90):
    """An outline of rounded bumps (a cloud, a tree's crown), clockwise from the top, degrees."""
    steps = [start + (end - start) * i / n for i in range(n + 1)]
    def bump(a):
        return 1 + 0.12 * abs(math.sin(math.radians(a) * bumps / 2))

    return [(round(centre[0] + rx * bump(a) * math.sin(math.radians(a))),
             round(centre[1] - ry * bump(a) * math.cos(math.radians(a)))) for a in steps]


TREE = [  # a trunk of two lines, a bumpy crown on top
    path((175, 375), (180, 262)),
    path((225, 375), (220, 262)),
    bumpy((200, 160), 120, 100, 9, 200, 520),
]
HOUSE = [  # the walls, a roof, a door
    path((90, 180), (90, 360), (310, 360), (310, 180), (90, 180)),
    path((70, 190), (200, 60), (330, 190)),
    path((170, 360), (170, 270), (230, 270), (230, 360)),
]
CAR = [  # a side view: the body with its cabin, two wheels
    path((40, 260), (40, 200), (110, 190), (150, 130), (270, 130), (310, 190), (370, 200), (370, 260), (320, 260)),
    path((240, 260), (160, 260)),
    path((80, 260), (40, 260)),
    arc((120, 265), 38, 38),
    arc((280, 265), 38, 38),
]
SMILEY = [  # a round face, two eyes, a smile
    arc((200, 200), 150, 150),
    arc((145, 150), 12, 16, n=12),
    arc((255, 150), 12, 16, n=12),
    arc((200, 210), 85, 75, 110, 250, 20),
]
STAR = [path((200, 50), (290, 330), (55, 150), (345, 150), (110, 330), (200, 50))]
SEVEN = [path((120, 80), (290, 80), (170, 340), n=20)]

DRAWINGS = {"apple": APPLE, "fish": FISH, "eye": EYE, "cat": CAT, "bicycle": BICYCLE, "diamond": DIAMOND,
            "tree": TREE, "house": HOUSE, "car": CAR, "smiley face": SMILEY}
NOT_DIGITS = {"house": HOUSE, "star": STAR, "smiley face": SMILEY}
