import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { dropPinFromAddress } from './device/device';

dropPinFromAddress();

const app = mount(App, { target: document.getElementById('app')! });

export default app;
