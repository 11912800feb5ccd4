-- The loyalty-club demo database (DuckDB). Every table and column carries a comment: the
-- schema card shows them to the model, so they are written for a reader who knows nothing else.

CREATE TABLE stores (
    store_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    city VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    opened_on DATE NOT NULL
);
COMMENT ON TABLE stores IS 'Shops of the chain, physical and online; every transaction happens in one store';
COMMENT ON COLUMN stores.store_id IS 'Store identifier';
COMMENT ON COLUMN stores.name IS 'Store name shown on receipts';
COMMENT ON COLUMN stores.city IS 'City the store is in (Online for the web shops)';
COMMENT ON COLUMN stores.region IS 'Sales region: North, South, East, West or Central';
COMMENT ON COLUMN stores.format IS 'Store format: hypermarket, supermarket, convenience or online';
COMMENT ON COLUMN stores.opened_on IS 'Day the store opened';

CREATE TABLE members (
    member_id INTEGER PRIMARY KEY,
    first_name VARCHAR NOT NULL,
    last_name VARCHAR NOT NULL,
    email VARCHAR NOT NULL UNIQUE,
    birth_date DATE,
    gender VARCHAR,
    city VARCHAR NOT NULL,
    home_store_id INTEGER NOT NULL REFERENCES stores (store_id),
    tier VARCHAR NOT NULL,
    joined_on DATE NOT NULL,
    status VARCHAR NOT NULL,
    marketing_consent BOOLEAN NOT NULL
);
COMMENT ON TABLE members IS 'Loyalty-club members (customers holding a club card)';
COMMENT ON COLUMN members.member_id IS 'Member identifier (club card number)';
COMMENT ON COLUMN members.first_name IS 'Given name';
COMMENT ON COLUMN members.last_name IS 'Family name (personal data)';
COMMENT ON COLUMN members.email IS 'E-mail address, unique per member (personal data)';
COMMENT ON COLUMN members.birth_date IS 'Date of birth, NULL when the member did not give it (personal data)';
COMMENT ON COLUMN members.gender IS 'F, M, X, or NULL when not given';
COMMENT ON COLUMN members.city IS 'City the member lives in';
COMMENT ON COLUMN members.home_store_id IS 'The store where the member usually shops';
COMMENT ON COLUMN members.tier IS 'Loyalty tier: basic, silver, gold or platinum (higher tiers earn more points)';
COMMENT ON COLUMN members.joined_on IS 'Day the member joined the club';
COMMENT ON COLUMN members.status IS 'Account status: active, suspended or closed';
COMMENT ON COLUMN members.marketing_consent IS 'True when the member agreed to receive campaigns';

CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    sku VARCHAR NOT NULL UNIQUE,
    name VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    brand VARCHAR NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL
);
COMMENT ON TABLE products IS 'Catalogue of products sold in the stores';
COMMENT ON COLUMN products.product_id IS 'Product identifier';
COMMENT ON COLUMN products.sku IS 'Stock-keeping unit code, unique';
COMMENT ON COLUMN products.name IS 'Product name';
COMMENT ON COLUMN products.category IS 'Product category, e.g. dairy, bakery, beverages, electronics';
COMMENT ON COLUMN products.brand IS 'Brand name';
COMMENT ON COLUMN products.unit_price IS 'Current list price of one unit, in euros';

CREATE TABLE transactions (
    transaction_id BIGINT PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (member_id),
    store_id INTEGER NOT NULL REFERENCES stores (store_id),
    purchased_at TIMESTAMP NOT NULL,
    channel VARCHAR NOT NULL,
    total_amount DECIMAL(12, 2) NOT NULL,
    points_earned INTEGER NOT NULL
);
COMMENT ON TABLE transactions IS 'Purchases made with a club card (one row per receipt)';
COMMENT ON COLUMN transactions.transaction_id IS 'Receipt identifier';
COMMENT ON COLUMN transactions.member_id IS 'The member who paid';
COMMENT ON COLUMN transactions.store_id IS 'Where the purchase happened';
COMMENT ON COLUMN transactions.purchased_at IS 'Date and time of the purchase';
COMMENT ON COLUMN transactions.channel IS 'How the member bought: store, online or app';
COMMENT ON COLUMN transactions.total_amount IS 'Amount paid in euros: the sum of its items (quantity times unit price, minus discount)';
COMMENT ON COLUMN transactions.points_earned IS 'Loyalty points earned with this purchase';

CREATE TABLE transaction_items (
    transaction_id BIGINT NOT NULL REFERENCES transactions (transaction_id),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (product_id),
    quantity INTEGER NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    discount DECIMAL(10, 2) NOT NULL,
    PRIMARY KEY (transaction_id, line_no)
);
COMMENT ON TABLE transaction_items IS 'Lines of each receipt: which products were bought, how many, at what price';
COMMENT ON COLUMN transaction_items.transaction_id IS 'The receipt';
COMMENT ON COLUMN transaction_items.line_no IS 'Line number on the receipt, from 1';
COMMENT ON COLUMN transaction_items.product_id IS 'The product bought';
COMMENT ON COLUMN transaction_items.quantity IS 'Number of units';
COMMENT ON COLUMN transaction_items.unit_price IS 'Price of one unit on the day, in euros';
COMMENT ON COLUMN transaction_items.discount IS 'Discount on the whole line, in euros (0 when none)';

CREATE TABLE points_ledger (
    entry_id BIGINT PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (member_id),
    created_at TIMESTAMP NOT NULL,
    points INTEGER NOT NULL,
    reason VARCHAR NOT NULL
);
COMMENT ON TABLE points_ledger IS 'Every change to a member''s points balance; the balance is the sum of points';
COMMENT ON COLUMN points_ledger.entry_id IS 'Ledger entry identifier';
COMMENT ON COLUMN points_ledger.member_id IS 'The member';
COMMENT ON COLUMN points_ledger.created_at IS 'When the entry was booked';
COMMENT ON COLUMN points_ledger.points IS 'Points added (positive) or removed (negative, for redemption and expiry)';
COMMENT ON COLUMN points_ledger.reason IS 'Why: purchase, bonus, redemption or expiry';

CREATE TABLE campaigns (
    campaign_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    target_tier VARCHAR
);
COMMENT ON TABLE campaigns IS 'Marketing campaigns sent to members who gave marketing consent';
COMMENT ON COLUMN campaigns.campaign_id IS 'Campaign identifier';
COMMENT ON COLUMN campaigns.name IS 'Campaign name';
COMMENT ON COLUMN campaigns.channel IS 'How it was sent: email, sms or push';
COMMENT ON COLUMN campaigns.starts_on IS 'First day of the campaign';
COMMENT ON COLUMN campaigns.ends_on IS 'Last day of the campaign';
COMMENT ON COLUMN campaigns.target_tier IS 'The only tier it was sent to; NULL means all tiers';

CREATE TABLE campaign_responses (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (campaign_id),
    member_id INTEGER NOT NULL REFERENCES members (member_id),
    sent_at TIMESTAMP NOT NULL,
    opened BOOLEAN NOT NULL,
    converted BOOLEAN NOT NULL,
    PRIMARY KEY (campaign_id, member_id)
);
COMMENT ON TABLE campaign_responses IS 'One row per member a campaign was sent to, with what the member did';
COMMENT ON COLUMN campaign_responses.campaign_id IS 'The campaign';
COMMENT ON COLUMN campaign_responses.member_id IS 'The member it was sent to';
COMMENT ON COLUMN campaign_responses.sent_at IS 'When it was sent';
COMMENT ON COLUMN campaign_responses.opened IS 'True when the member opened the message';
COMMENT ON COLUMN campaign_responses.converted IS 'True when the member bought because of it';
