import { createApp } from 'vue';
// Registers <tencent-captcha> (the package's only side effect).
import '@tencent-captcha/element/define';
import App from './App.vue';
import './styles.css';

createApp(App).mount('#app');
