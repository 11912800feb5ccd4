"""Words the demo database is made of: names, cities, categories, brands, campaign themes.

Kept apart from the generator so the generator reads as arithmetic on arrays.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Alice", "Amara", "Anna", "Arjun", "Ben", "Bruno", "Carla", "Chen", "Chloe", "Daniel", "David",
    "Elena", "Elif", "Emma", "Ethan", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ines", "Isaac",
    "Jack", "Jana", "Jonas", "Julia", "Kai", "Karim", "Laura", "Leo", "Lina", "Lucas", "Maya",
    "Mia", "Marco", "Nadia", "Noah", "Nora", "Olga", "Omar", "Paul", "Priya", "Rosa", "Sam",
    "Sara", "Sofia", "Tom", "Yara", "Yusuf", "Zoe",
)
LAST_NAMES: tuple[str, ...] = (
    "Adams", "Baker", "Berg", "Brown", "Costa", "Cruz", "Dubois", "Evans", "Fischer", "Garcia",
    "Green", "Hall", "Hansen", "Hughes", "Ivanova", "Jensen", "Khan", "Kim", "Kowalski", "Lee",
    "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura", "Novak", "Okafor", "Olsen",
    "Patel", "Perez", "Quinn", "Rossi", "Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Taylor",
    "Walker", "Weber", "Wilson", "Wright", "Young", "Zhang",
)

REGIONS: tuple[str, ...] = ("North", "South", "East", "West", "Central")
CITIES_BY_REGION: dict[str, tuple[str, ...]] = {
    "North": ("Aberdeen", "Inverness", "Newcastle", "Leeds", "York"),
    "South": ("Brighton", "Southampton", "Plymouth", "Exeter", "Bournemouth"),
    "East": ("Norwich", "Cambridge", "Ipswich", "Colchester", "Peterborough"),
    "West": ("Bristol", "Cardiff", "Bath", "Gloucester", "Swansea"),
    "Central": ("Birmingham", "Coventry", "Leicester", "Nottingham", "Derby"),
}
CITIES: tuple[str, ...] = tuple(city for region in REGIONS for city in CITIES_BY_REGION[region])
STORE_SUFFIXES: tuple[str, ...] = ("Centre", "Riverside", "Park", "Station", "Market", "Harbour", "Hill")

FORMATS: tuple[str, ...] = ("hypermarket", "supermarket", "convenience", "online")
TIERS: tuple[str, ...] = ("basic", "silver", "gold", "platinum")
# Points per euro by tier: the reason a member climbs.
TIER_MULTIPLIER: tuple[float, ...] = (1.0, 1.25, 1.5, 2.0)
STATUSES: tuple[str, ...] = ("active", "suspended", "closed")
GENDERS: tuple[str, ...] = ("F", "M", "X")
CHANNELS: tuple[str, ...] = ("store", "online", "app")
CAMPAIGN_CHANNELS: tuple[str, ...] = ("email", "sms", "push")
LEDGER_REASONS: tuple[str, ...] = ("purchase", "bonus", "redemption", "expiry")

# category: (median unit price in euros, how often it is bought, brands, product nouns)
CATEGORIES: dict[str, tuple[float, float, tuple[str, ...], tuple[str, ...]]] = {
    "dairy": (2.4, 1.6, ("Meadow Gold", "Alpine Farm", "Dairy Best", "Green Valley"),
              ("Whole Milk", "Skimmed Milk", "Greek Yogurt", "Cheddar", "Butter", "Cream", "Mozzarella", "Kefir")),
    "bakery": (2.1, 1.4, ("Golden Crust", "Baker's Pride", "Rustica"),
               ("Sourdough Loaf", "Baguette", "Croissants", "Bagels", "Rye Bread", "Muffins", "Brioche")),
    "produce": (1.9, 1.8, ("Fresh Fields", "Orchard Co", "Sunny Acres"),
                ("Apples", "Bananas", "Tomatoes", "Carrots", "Spinach", "Avocados", "Grapes", "Potatoes")),
    "meat": (6.5, 0.9, ("Butcher's Block", "Prime Cuts", "Farmhouse"),
             ("Chicken Breast", "Beef Mince", "Pork Chops", "Sausages", "Bacon", "Lamb Leg")),
    "frozen": (3.8, 0.7, ("Polar", "Frosty Kitchen", "IceBox"),
               ("Peas", "Pizza", "Fish Fingers", "Ice Cream", "Chips", "Mixed Berries")),
    "beverages": (2.2, 1.5, ("Brookside", "Fizz", "Highland Spring", "Roastery"),
                  ("Orange Juice", "Sparkling Water", "Cola", "Ground Coffee", "Green Tea", "Lemonade")),
    "snacks": (1.8, 1.2, ("Crunchy", "Nibbles", "Snack Shack"),
               ("Crisps", "Chocolate Bar", "Salted Nuts", "Cookies", "Popcorn", "Granola Bars")),
    "household": (4.5, 0.6, ("CleanPro", "HomeCare", "Sparkle"),
                  ("Dish Soap", "Laundry Liquid", "Paper Towels", "Bin Bags", "Sponges", "Bleach")),
    "personal care": (4.2, 0.5, ("Pure Skin", "Fresh Day", "Natura"),
                      ("Shampoo", "Toothpaste", "Shower Gel", "Deodorant", "Hand Cream", "Razor Blades")),
    "electronics": (39.0, 0.08, ("Voltix", "Soundwave", "Lumen"),
                    ("Headphones", "Phone Charger", "LED Bulb", "Power Bank", "Bluetooth Speaker", "USB Cable")),
    "toys": (14.0, 0.12, ("PlayTime", "Brickworks", "Tiny Town"),
             ("Puzzle", "Building Blocks", "Plush Bear", "Board Game", "Toy Car", "Crayons")),
    "pet supplies": (6.0, 0.3, ("Happy Paws", "Whisker", "Fetch"),
                     ("Dog Food", "Cat Litter", "Cat Food", "Chew Toy", "Bird Seed", "Pet Shampoo")),
}
PRODUCT_VARIANTS: tuple[str, ...] = ("", " Small", " Large", " Family Pack", " Organic", " Value", " Premium")

# One theme per month of the year, for campaign names.
CAMPAIGN_THEMES: tuple[str, ...] = (
    "New Year Reset", "Valentine Treats", "Spring Savings", "Easter Feast", "May Madness", "Summer BBQ",
    "Holiday Essentials", "Back to School", "Autumn Harvest", "Halloween Sweets", "Black Friday", "Holiday Gifts",
)
